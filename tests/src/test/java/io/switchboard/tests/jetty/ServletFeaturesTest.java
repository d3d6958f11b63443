package io.switchboard.tests.jetty;

import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Servlet web application (the probe, an exploded directory) deployed with {@code --webapp} on a real worker
 * behind a real CM, driven over HTTP: every Servlet feature the Jetty adapter must carry. One worker, so that a
 * second request reaches the JVM that recorded what the first one did.
 */
@Timeout(180)
class ServletFeaturesTest
{
    private static final long HUNDRED_MIB = 100L * 1024 * 1024;

    private static Instance instance;
    private static Http http;

    @BeforeAll
    static void start()
    {
        instance = new Instance("--workers", "1", "--webapp", "/probe=src/test/webapps/probe",
            "--max-body", Long.toString(HUNDRED_MIB + 1024));
        http = new Http(instance.port());
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
    void shouldRunTheFilterBeforeTheServlet() throws Exception
    {
        final HttpResponse<String> response = http.get("/probe/info?x=1");

        assertEquals(200, response.statusCode());
        assertEquals("yes", response.headers().firstValue("X-Filtered").orElse(null));
        assertTrue(response.body().contains("filtered=true\n"), response.body());
        assertTrue(response.body().contains("uri=/probe/info\n"), response.body());
        assertTrue(response.body().contains("query=x=1\n"), response.body());
    }

    @Test
    void shouldGiveTheServletTheClientsAddress() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", instance.port()))
        {
            final String response = exchange(socket, "GET /probe/info HTTP/1.1\r\nHost: localhost\r\n\r\n");

            assertTrue(response.contains("remote=127.0.0.1:" + socket.getLocalPort() + "\n"), response);
        }
    }

    @Test
    void shouldSetAndReadCookies() throws Exception
    {
        final HttpResponse<String> first = http.get("/probe/cookies");
        final String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("flavour=oat"), setCookie);
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertEquals("flavour=null\n", first.body());

        final HttpResponse<String> second =
            http.send(http.request("/probe/cookies").header("Cookie", "flavour=oat").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("flavour=oat\n", second.body());
        assertTrue(second.headers().firstValue("Set-Cookie").isEmpty());
    }

    @Test
    void shouldAnswerFromAnAsyncContextOnAnotherThread() throws Exception
    {
        final HttpResponse<String> response = http.get("/probe/async");

        assertEquals(200, response.statusCode());
        assertEquals("async from another thread=true\n", response.body());
    }

    @Test
    void shouldStreamAChunkedRequestBodyBackAsItArrives() throws Exception
    {
        final byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(body);

        final HttpResponse<byte[]> response = http.send(
            http.request("/probe/echo").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(body))).build(),
            HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        assertArrayEquals(body, response.body());
    }

    @Test
    void shouldSendWhatWasFlushedBeforeTheServletGoesOn() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", instance.port()))
        {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(ascii("GET /probe/flush?id=f1 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            final InputStream in = socket.getInputStream();
            final String head = readUntil(in, "first\n");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(!head.contains("second"), head);

            // only now may the servlet write the rest
            assertEquals("released\n", http.get("/probe/release?id=f1").body());
            final String rest = readUntil(in, "second\n");
            assertTrue(rest.endsWith("second\n"), rest);
        }
    }

    @Test
    void shouldAnswerHeadWithTheHeadOfGetAndNoBody() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", instance.port()))
        {
            socket.setSoTimeout(30_000);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();

            // a servlet that writes its body without a length (doHead counts it), then one that declares its length
            // and writes 100,000 bytes: both heads carry the GET's Content-Length, neither a body nor chunks
            out.write(ascii("HEAD /probe/cookies HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            final String cookiesHead = readUntil(in, "\r\n\r\n");
            out.write(ascii("HEAD /probe/source?n=100000 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            final String sourceHead = readUntil(in, "\r\n\r\n");
            // the next response on the connection starts right after the second head: nothing came between
            out.write(ascii("GET /probe/cookies HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            final String getHead = readUntil(in, "\r\n\r\n");
            final byte[] getBody = in.readNBytes(13);

            assertTrue(cookiesHead.startsWith("HTTP/1.1 200 "), cookiesHead);
            assertTrue(cookiesHead.contains("\r\nContent-Length: 13\r\n"), cookiesHead);
            assertFalse(cookiesHead.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), cookiesHead);
            assertTrue(sourceHead.startsWith("HTTP/1.1 200 "), sourceHead);
            assertTrue(sourceHead.contains("\r\nContent-Length: 100000\r\n"), sourceHead);
            assertFalse(sourceHead.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), sourceHead);
            assertTrue(getHead.startsWith("HTTP/1.1 200 "), getHead);
            assertTrue(getHead.contains("\r\nContent-Length: 13\r\n"), getHead);
            assertEquals("flavour=null\n", new String(getBody, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void shouldRefuseABadHostWith400AndItsReason() throws Exception
    {
        // a port Jetty's HostPort refuses, and two Host lines: the CM answers before the worker sees them
        for (final String host : new String[] {"Host: localhost:99999\r\n", "Host: localhost:0\r\n",
            "Host: localhost\r\nHost: other\r\n", "Host: [v1.x]\r\n"})
        {
            try (Socket socket = new Socket("127.0.0.1", instance.port()))
            {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(ascii("GET /probe/info HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"));
                final String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

                assertTrue(response.startsWith("HTTP/1.1 400 "), host + ": " + response);
                assertTrue(response.contains("Host"), host + ": " + response);
            }
        }
    }

    @Test
    void shouldShowTheErrorPageForSendError() throws Exception
    {
        final HttpResponse<String> response = http.get("/probe/send-error?code=418");

        assertEquals(418, response.statusCode());
        assertEquals("error page: status=418 message=probe says no exception=null\n", response.body());
    }

    @Test
    void shouldShowTheErrorPageForAServletThatThrows() throws Exception
    {
        final HttpResponse<String> response = http.get("/probe/fail");

        assertEquals(500, response.statusCode());
        assertTrue(response.body().startsWith("error page: status=500"), response.body());
        assertTrue(response.body().contains("exception=ServletException"), response.body());
    }

    @Test
    void shouldShowTheErrorPageForAPathNoServletServes() throws Exception
    {
        final HttpResponse<String> response = http.get("/probe/no-such-servlet");

        assertEquals(404, response.statusCode());
        assertTrue(response.body().startsWith("error page: status=404"), response.body());
    }

    @Test
    void shouldFailTheServletsWriteWhenTheClientLeavesAStreamedResponse() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", instance.port()))
        {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(ascii("GET /probe/endless?id=e1 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            final InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[65536];
            long read = 0;
            while (read < 256 * 1024)
            {
                final int n = in.read(buffer);
                assertTrue(n > 0, "the stream ended early");
                read += n;
            }
        }

        http.awaitBodyContaining("/probe/events", "write-failed:e1:true\n");
    }

    @Test
    void shouldCallTheAsyncListenersOnErrorWhenTheClientLeaves() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", instance.port()))
        {
            socket.getOutputStream().write(ascii("GET /probe/async-hang?id=a1 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            http.awaitBodyContaining("/probe/events", "async-started:a1\n");
        }

        final String events = http.awaitBodyContaining("/probe/events", "async-error:a1:");
        assertTrue(events.contains("async-complete:a1\n") || !events.contains("async-timeout:a1"), events);
    }

    @Test
    void shouldCarryAHundredMebibyteUpload() throws Exception
    {
        final CRC32 expected = new CRC32();
        final byte[] block = new byte[65536];
        for (long at = 0; at < HUNDRED_MIB; at += block.length)
        {
            fill(block, at);
            expected.update(block);
        }

        final HttpResponse<String> response = http.send(
            http.request("/probe/sink").POST(HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(HUNDRED_MIB)), HUNDRED_MIB)).build(),
            HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("bytes=" + HUNDRED_MIB + " crc=" + Long.toHexString(expected.getValue()) + "\n", response.body());
    }

    @Test
    void shouldCarryAHundredMebibyteDownload() throws Exception
    {
        final HttpResponse<InputStream> response =
            http.send(http.request("/probe/source?n=" + HUNDRED_MIB).GET().build(), HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, response.statusCode());
        assertEquals(Long.toString(HUNDRED_MIB), response.headers().firstValue("Content-Length").orElse(null));
        try (InputStream in = response.body())
        {
            final byte[] buffer = new byte[65536];
            long at = 0;
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] != ProbeServlets.pattern(at + i))
                    {
                        throw new AssertionError("byte " + (at + i) + " differs");
                    }
                }
                at += n;
            }
            assertEquals(HUNDRED_MIB, at);
        }
    }

    private static void fill(final byte[] block, final long at)
    {
        for (int i = 0; i < block.length; i++)
        {
            block[i] = ProbeServlets.pattern(at + i);
        }
    }

    /** {@link ProbeServlets#pattern} as a stream, without holding 100 MiB. */
    private static final class PatternStream extends InputStream
    {
        private final long length;
        private long at;

        PatternStream(final long length)
        {
            this.length = length;
        }

        @Override
        public int read()
        {
            return at < length ? ProbeServlets.pattern(at++) & 0xFF : -1;
        }

        @Override
        public int read(final byte[] buffer, final int offset, final int count)
        {
            if (at >= length)
            {
                return -1;
            }
            final int n = (int)Math.min(count, length - at);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = ProbeServlets.pattern(at + i);
            }
            at += n;
            return n;
        }
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes a request with {@code Connection: close} semantics left to the caller and reads one response whose
     * body ends the connection or is short: here, reads until the servlet's last line.
     */
    private static String exchange(final Socket socket, final String request) throws IOException
    {
        socket.setSoTimeout(30_000);
        final OutputStream out = socket.getOutputStream();
        out.write(ascii(request));
        return readUntil(socket.getInputStream(), "query=");
    }

    private static String readUntil(final InputStream in, final String marker) throws IOException
    {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("connection closed before " + marker + ": " + seen.toString(StandardCharsets.ISO_8859_1));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }
}
