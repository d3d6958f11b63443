package io.switchboard.tests.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 100 MiB each way through rings of 64 KiB (the default) and of 1 MiB: the
 * bodies stream, never held whole, by the CM or the worker or this test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LargeTransferTest
{
    private static final long SIZE = 100L * 1024 * 1024;
    private static final int DEMO_CHUNK = 64 * 1024;

    private static final int SMALL_RING = 64 * 1024;
    private static final int LARGE_RING = 1024 * 1024;

    private static Instance smallRings;
    private static Instance largeRings;
    private static HttpClient client;

    @BeforeAll
    static void start()
    {
        smallRings = new Instance("--max-body", "200000000");
        // 64 channels keep the segment at 128 MiB (see shouldServeWithMiBRingsAndTheDefaultChannelCount)
        largeRings = new Instance("--ring-capacity", String.valueOf(LARGE_RING), "--max-body", "200000000", "--channels", "64");
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop()
    {
        if (client != null)
        {
            client.close();
        }
        if (smallRings != null)
        {
            smallRings.close();
        }
        if (largeRings != null)
        {
            largeRings.close();
        }
    }

    private static Instance instance(final int ringCapacity)
    {
        return ringCapacity == LARGE_RING ? largeRings : smallRings;
    }

    @ParameterizedTest(name = "ring of {0} bytes")
    @ValueSource(ints = {SMALL_RING, LARGE_RING})
    void shouldEcho100MiBUploadStreamed(final int ringCapacity) throws Exception
    {
        final Instance instance = instance(ringCapacity);
        final int channelsInUseBefore = instance.channelsInUse();
        // a raw socket, written and read at once: the JDK HttpClient reads no response before its request body
        // is sent, which a streaming echo cannot satisfy with bounded buffers
        final MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (RawHttp client = new RawHttp(instance.port()))
        {
            final CompletableFuture<Void> upload = CompletableFuture.runAsync(() ->
            {
                try
                {
                    final OutputStream out = client.socket().getOutputStream();
                    out.write(RawHttp.ascii("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + SIZE + "\r\n\r\n"));
                    final InputStream source = new RandomStream(SIZE, 42, sent);
                    final byte[] buffer = new byte[DEMO_CHUNK];
                    int n;
                    while ((n = source.read(buffer, 0, buffer.length)) >= 0)
                    {
                        out.write(buffer, 0, n);
                    }
                    out.flush();
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }, Executors.newVirtualThreadPerTaskExecutor());

            final RawHttp.Response head = client.readHead();
            assertEquals(200, head.status(), head.statusLine());
            assertEquals(String.valueOf(SIZE), head.header("content-length"));

            final MessageDigest received = MessageDigest.getInstance("SHA-256");
            final InputStream body = client.input();
            final byte[] buffer = new byte[DEMO_CHUNK];
            long count = 0;
            while (count < SIZE)
            {
                final int n = body.read(buffer, 0, (int)Math.min(buffer.length, SIZE - count));
                if (n < 0)
                {
                    fail("the connection ended after " + count + " body bytes");
                }
                received.update(buffer, 0, n);
                count += n;
            }
            upload.get(10, TimeUnit.SECONDS);

            assertEquals(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(received.digest()));

            // the connection goes on
            client.send(RawHttp.get("/hello"));
            assertEquals("Hello, world!", client.read().text());
        }
        assertTrue(instance.awaitChannelsInUse(channelsInUseBefore, 5_000) <= channelsInUseBefore, "channels in use");
    }

    @ParameterizedTest(name = "ring of {0} bytes")
    @ValueSource(ints = {SMALL_RING, LARGE_RING})
    void shouldStream100MiBDownloadWithTheDemoPattern(final int ringCapacity) throws Exception
    {
        final Instance instance = instance(ringCapacity);
        final int channelsInUseBefore = instance.channelsInUse();
        final HttpRequest request = HttpRequest.newBuilder(URI.create(instance.url("/bytes?n=" + SIZE)))
            .timeout(Duration.ofSeconds(60))
            .build();

        final HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(String.valueOf(SIZE), response.headers().firstValue("content-length").orElse("none"));

        // the demo writes chunk[i] = 'a' + i % 26 for i in 0..65535, over and over
        final byte[] pattern = new byte[DEMO_CHUNK];
        for (int i = 0; i < pattern.length; i++)
        {
            pattern[i] = (byte)('a' + i % 26);
        }

        long count = 0;
        try (InputStream body = response.body())
        {
            final byte[] buffer = new byte[DEMO_CHUNK];
            int n;
            while ((n = body.read(buffer)) >= 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] != pattern[(int)((count + i) % DEMO_CHUNK)])
                    {
                        fail("byte " + (count + i) + " is " + buffer[i] + ", expected " + pattern[(int)((count + i) % DEMO_CHUNK)]);
                    }
                }
                count += n;
            }
        }

        assertEquals(SIZE, count);
        assertTrue(instance.awaitChannelsInUse(channelsInUseBefore, 5_000) <= channelsInUseBefore, "channels in use");
    }

    @Test
    void shouldRefuseASegmentOverTwoGiBWithAClearMessageAndLeaveNothingBehind() throws Exception
    {
        // --ring-capacity 1048576 with the default 1024 channels: 2 GiB of rings in one segment, more than
        // the CM maps; the start fails before anything is created
        final long before = countSegments();
        final io.switchboard.cm.CannotStartException refused = org.junit.jupiter.api.Assertions.assertThrows(
            io.switchboard.cm.CannotStartException.class, () -> new Instance("--ring-capacity", "1048576", "--workers", "1"));
        assertTrue(refused.getMessage().contains("lower --channels or --ring-capacity"), refused.getMessage());
        assertEquals(before, countSegments(), "a segment was left in /dev/shm");
    }

    private static long countSegments() throws java.io.IOException
    {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of("/dev/shm")))
        {
            return files.filter(p -> p.getFileName().toString().startsWith("switchboard-")).count();
        }
    }

    /**
     * {@code length} pseudo-random bytes of a seed, digested as they are read.
     */
    private static final class RandomStream extends InputStream
    {
        private final SplittableRandom random;
        private final MessageDigest digest;
        private long remaining;

        RandomStream(final long length, final long seed, final MessageDigest digest)
        {
            this.remaining = length;
            this.random = new SplittableRandom(seed);
            this.digest = digest;
        }

        public int read() throws IOException
        {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        public int read(final byte[] buffer, final int offset, final int length)
        {
            if (remaining == 0)
            {
                return -1;
            }
            final int n = (int)Math.min(remaining, length);
            for (int i = 0; i < n; i += 8)
            {
                long word = random.nextLong();
                for (int j = i; j < Math.min(n, i + 8); j++)
                {
                    buffer[offset + j] = (byte)word;
                    word >>>= 8;
                }
            }
            digest.update(buffer, offset, n);
            remaining -= n;
            assertTrue(remaining >= 0);
            return n;
        }
    }
}
