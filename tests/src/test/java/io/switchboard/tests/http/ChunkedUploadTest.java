package io.switchboard.tests.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunked request bodies that arrive faster than the worker reads them: many
 * chunks per socket read, many ring frames before the worker has seen the head.
 * Apart from {@link HttpProtocolTest} (which checks the chunked framing itself)
 * so that a worker these tests bring down disturbs no other test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkedUploadTest
{
    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance();
    }

    @AfterAll
    static void stop()
    {
        if (instance != null)
        {
            instance.close();
        }
    }

    @Test
    void shouldEchoAChunkedBodyOfManySmallChunksSentAtOnce() throws Exception
    {
        // 300 chunks of 16 bytes with the head, in one write: the CM turns each chunk into a ring frame before
        // the worker has even seen the head
        final StringBuilder request = new StringBuilder(
            "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
        final StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            final String data = String.format("chunk %09d;", i);
            request.append("10\r\n").append(data).append("\r\n");
            expected.append(data);
        }
        request.append("0\r\n\r\n");
        try (RawHttp client = new RawHttp(instance.port(), 5_000))
        {
            client.send(request.toString());
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine());
            assertTrue(response.complete(), "the connection ended after " + response.body().length + " body bytes");
            assertEquals(expected.toString(), response.text());
        }
        assertEquals(0, instance.awaitChannelsInUse(0, 5_000));
    }

    @Test
    void shouldStreamALargeChunkedBodyBothWays() throws Exception
    {
        // 300 KiB in chunks of 10,000 bytes through a 64 KiB ring: several chunks per socket read and per ring frame
        final byte[] body = new byte[300 * 1024];
        for (int i = 0; i < body.length; i++)
        {
            body[i] = (byte)(i * 31 + 7);
        }
        try (RawHttp client = new RawHttp(instance.port(), 5_000))
        {
            final java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
            request.write(RawHttp.ascii("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"));
            for (int at = 0; at < body.length; at += 10_000)
            {
                final int n = Math.min(10_000, body.length - at);
                request.write(RawHttp.ascii(Integer.toHexString(n) + "\r\n"));
                request.write(body, at, n);
                request.write(RawHttp.ascii("\r\n"));
            }
            request.write(RawHttp.ascii("0\r\n\r\n"));
            final Thread writer = Thread.ofVirtual().start(() ->
            {
                try
                {
                    client.send(request.toByteArray());
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });

            final RawHttp.Response response = client.read();
            writer.join(10_000);
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("chunked", response.header("transfer-encoding"));
            assertArrayEquals(body, response.body());
        }
        assertEquals(0, instance.awaitChannelsInUse(0, 5_000));
    }
}
