package io.switchboard.cm.admin;

import io.switchboard.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin listener on real loopback sockets, requests written byte by byte as a tool or a browser would.
 */
@Timeout(60)
class AdminServerTest
{
    private static final String STATUS = "{\"state\": \"running\"}\n";
    /** Long enough that no stalled client of a test is cut by the deadline while the test runs. */
    private static final long NO_DEADLINE_MS = 600_000;

    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger drains = new AtomicInteger();
    private volatile InstanceReadiness.Answer readiness = new InstanceReadiness.Answer(true, "ready: application 'demo'");
    private AdminServer server;
    private int port;

    @AfterEach
    void close()
    {
        if (server != null)
        {
            server.close();
        }
    }

    @Test
    void shouldServeTheStatusToACurlLikeRequest() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        final String response = exchange("GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1:" + port +
            "\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.contains("\r\nContent-Type: application/json; charset=utf-8\r\n"), response);
        assertTrue(response.contains("\r\nConnection: close\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\n" + STATUS), response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "[::1]", "[0:0:0:0:0:0:0:1]"})
    void shouldAnswerEveryLoopbackHostWithAnyPortOrNone(final String host) throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        assertTrue(exchange("GET /admin/status HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
            .startsWith("HTTP/1.1 200 "));
        assertTrue(exchange("GET /admin/status HTTP/1.1\r\nHost: " + host + ":9999\r\n\r\n")
            .startsWith("HTTP/1.1 200 "), "an SSH tunnel's local port");
        assertTrue(exchange("GET /admin/status HTTP/1.1\r\nHost: " + host + "\r\n\r\n").startsWith("HTTP/1.1 200 "));
    }

    @Test
    void shouldStartARestartForAToolAndForItsOwnOrigin() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        assertTrue(exchange("POST /admin/workers/restart HTTP/1.1\r\nHost: 127.0.0.1:" + port +
            "\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n").startsWith("HTTP/1.1 202 Accepted\r\n"));
        assertTrue(exchange("POST /admin/workers/restart HTTP/1.1\r\nHost: localhost:" + port +
            "\r\nOrigin: http://localhost:" + port + "\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 2\r\n\r\n{}")
            .startsWith("HTTP/1.1 202 Accepted\r\n"));

        assertEquals(2, restarts.get());
    }

    @Test
    void shouldAcceptADrainOnceAndAgainIdempotentlyToPostOnly() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        assertTrue(exchange("GET /admin/drain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .startsWith("HTTP/1.1 405 "));
        assertEquals(0, drains.get());
        final String first = exchange("POST /admin/drain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(first.startsWith("HTTP/1.1 202 Accepted\r\n") && first.endsWith("\r\n\r\ndraining: /ready answers 503; " +
            "the instance stops after the readiness grace and the drain\n"), first);
        final String second = exchange("POST /admin/drain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(second.startsWith("HTTP/1.1 202 Accepted\r\n") &&
            second.endsWith("draining already: the instance is stopping\n"), second);
        assertEquals(2, drains.get());
        assertTrue(exchange("POST /admin/drain HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n\r\n")
            .startsWith("HTTP/1.1 403 "), "no cross-site drain");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Origin: https://evil.example",
        "Origin: null",
        "Origin: http://127.0.0.1:1",
        "Origin: https://127.0.0.1:PORT",
        "Sec-Fetch-Site: cross-site",
        "Sec-Fetch-Site: same-site",
        "Origin: http://127.0.0.1:PORT\r\nOrigin: https://evil.example"})
    void shouldRefuseARestartSentByAPageOfAnotherOrigin(final String field) throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        try (LogCapture log = LogCapture.of(AdminExchange.class))
        {
            final String response = exchange("POST /admin/workers/restart HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" +
                field.replace("PORT", Integer.toString(port)) +
                "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b");

            assertTrue(response.startsWith("HTTP/1.1 403 Forbidden\r\n"), response);
            assertTrue(response.contains("another origin"), response);
            assertTrue(log.contains("refused with 403"), log.messages().toString());
        }
        assertEquals(0, restarts.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "10.0.0.1", "[fd00::1]", ""})
    void shouldRefuseAHostThatIsNotLoopbackAgainstDnsRebinding(final String host) throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        final String restart = exchange("POST /admin/workers/restart HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" +
            "Origin: http://" + host + ":" + port + "\r\n\r\n");
        final String status = exchange("GET /admin/status HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n");

        assertTrue(restart.startsWith("HTTP/1.1 421 Misdirected Request\r\n"), restart);
        assertTrue(restart.contains("--admin-allowed-hosts"), restart);
        assertTrue(status.startsWith("HTTP/1.1 421 "), status);
        assertTrue(!status.contains(STATUS), status);
        assertEquals(0, restarts.get());
    }

    @Test
    void shouldAnswerTheHostsItIsToldToAllow() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of("cm1.internal", "fd00::1", "[fd00::2]", "10.0.0.7"));

        for (final String host : List.of("cm1.internal", "CM1.internal", "[fd00::1]", "[fd00::2]", "10.0.0.7"))
        {
            final String response = exchange("GET /admin/status HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 200 "), host + ": " + response);
        }
        assertTrue(exchange("GET /admin/status HTTP/1.1\r\nHost: cm2.internal\r\n\r\n").startsWith("HTTP/1.1 421 "));
    }

    @Test
    void shouldServeOthersWhileClientsStallInTheirHeadAndInTheirBody() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        try (Socket inBody = connect(); Socket inHead = connect())
        {
            // "Expect: 100-continue" makes the server say when it has the head and waits for the body
            send(inBody, "POST /admin/workers/restart HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n" +
                "Expect: 100-continue\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", readBytes(inBody.getInputStream(), 25));
            send(inHead, "GET /admin/status HTTP/1.1\r\nHo");
            awaitOpenConnections(2);

            final String response = exchange("GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.endsWith(STATUS), response);
            assertEquals(0, restarts.get(), "the stalled POST never completed");
        }
    }

    @Test
    void shouldAnswer408ToARequestWhoseBodyDoesNotArrive() throws Exception
    {
        start(100, 4, List.of());

        final String response = exchange("POST /admin/workers/restart HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            "Content-Length: 10\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
        assertTrue(response.contains("--admin-timeout-ms"), response);
        assertEquals(0, restarts.get());
    }

    @Test
    void shouldAnswer408ToAHeadThatDoesNotEnd() throws Exception
    {
        start(100, 4, List.of());

        final String response = exchange("GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");

        assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
    }

    @Test
    void shouldCloseWithoutAnswerAConnectionThatSendsNothing() throws Exception
    {
        start(100, 4, List.of());

        try (Socket socket = connect())
        {
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void shouldAnswer503BeyondItsConnectionsAndServeAgainOnceOneEnds() throws Exception
    {
        start(NO_DEADLINE_MS, 1, List.of());

        try (Socket stalled = connect())
        {
            send(stalled, "GET /admin/status HTTP/1.1\r\n");
            awaitOpenConnections(1);

            try (Socket refused = connect())
            {
                final String response = new String(refused.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(response.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), response);
            }
        }
        awaitOpenConnections(0);

        assertTrue(exchange("GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").startsWith("HTTP/1.1 200 "));
    }

    @Test
    void shouldCutStalledExchangesWhenClosed() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        try (Socket stalled = connect())
        {
            send(stalled, "POST /admin/workers/restart HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n");
            awaitOpenConnections(1);

            server.close();

            try
            {
                assertEquals(-1, stalled.getInputStream().read());
            }
            catch (final SocketException reset)
            {
                // closed with the unread head still in the server's buffer: a reset, just as final
            }
        }
        assertEquals(0, restarts.get());
    }

    @Test
    void shouldAnswerTheOtherMethodsAndPathsAndTheHeadOfTheStatus() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        final String wrongMethod = exchange("GET /admin/workers/restart HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        final String wrongPath = exchange("GET /admin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        final String head = exchange("HEAD /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        final String chunked = exchange("POST /admin/workers/restart HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        final String malformed = exchange("GET /admin/status HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Field: x\r\n\r\n");

        assertTrue(wrongMethod.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), wrongMethod);
        assertTrue(wrongMethod.contains("\r\nAllow: POST\r\n"), wrongMethod);
        assertTrue(wrongPath.startsWith("HTTP/1.1 404 Not Found\r\n"), wrongPath);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("\r\nContent-Length: " + STATUS.length() + "\r\n"), head);
        assertTrue(head.endsWith("\r\n\r\n"), head);
        assertTrue(chunked.startsWith("HTTP/1.1 411 Length Required\r\n"), chunked);
        assertTrue(malformed.startsWith("HTTP/1.1 400 Bad Request\r\n"), malformed);
        assertEquals(0, restarts.get());
    }

    @Test
    void shouldAnswerHealthAndReadinessToGetAndHeadOnly() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        final String health = exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        final String ready = exchange("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        readiness = new InstanceReadiness.Answer(false, "not ready: draining (the instance is stopping)");
        final String notReady = exchange("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        final String notReadyHead = exchange("HEAD /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        final String postHealth = exchange("POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");

        assertTrue(health.startsWith("HTTP/1.1 200 OK\r\n"), health);
        assertTrue(health.endsWith("\r\n\r\nok\n"), health);
        assertTrue(health.contains("\r\nCache-Control: no-store\r\n"), health);
        assertTrue(ready.startsWith("HTTP/1.1 200 OK\r\n"), ready);
        assertTrue(ready.endsWith("\r\n\r\nready: application 'demo'\n"), ready);
        assertTrue(notReady.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), notReady);
        assertTrue(notReady.endsWith("\r\n\r\nnot ready: draining (the instance is stopping)\n"), notReady);
        assertTrue(notReadyHead.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), notReadyHead);
        assertTrue(notReadyHead.endsWith("\r\n\r\n"), notReadyHead);
        assertTrue(postHealth.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), postHealth);
        assertTrue(postHealth.contains("\r\nAllow: GET, HEAD\r\n"), postHealth);
    }

    @Test
    void shouldServeTheStatusPageItsScriptAndStyleUncachedUnderAStrictPolicy() throws Exception
    {
        start(NO_DEADLINE_MS, 4, List.of());

        final String page = exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/html\r\n\r\n");
        final String script = exchange("GET /status.js HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n");
        final String style = exchange("GET /status.css HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertTrue(page.startsWith("HTTP/1.1 200 OK\r\n"), page);
        assertTrue(page.contains("\r\nContent-Type: text/html; charset=utf-8\r\n"), page);
        assertTrue(page.contains("<script src=\"/status.js\" defer></script>"), page);
        assertTrue(page.contains("<table id=\"workers\">"), page);
        assertTrue(script.contains("\r\nContent-Type: text/javascript; charset=utf-8\r\n"), script);
        assertTrue(script.contains("fetch('/admin/status'"), script);
        assertTrue(style.contains("\r\nContent-Type: text/css; charset=utf-8\r\n"), style);
        for (final String response : List.of(page, script, style))
        {
            assertTrue(response.contains("\r\nCache-Control: no-store\r\n"), response);
            assertTrue(response.contains("\r\nX-Content-Type-Options: nosniff\r\n"), response);
            assertTrue(response.contains("\r\nContent-Security-Policy: default-src 'none'; script-src 'self'; " +
                "style-src 'self'; connect-src 'self';"), response);
        }
        assertTrue(!page.contains("<script>") && !page.contains(" style=\""), "nothing inline for the policy to block");
    }

    private void start(final long timeoutMs, final int maxConnections, final List<String> allowedHosts)
    {
        server = new AdminServer(new AdminSettings("127.0.0.1", 0, allowedHosts, timeoutMs, maxConnections),
            () ->
            {
                restarts.incrementAndGet();
                return true;
            },
            () -> STATUS,
            () -> readiness,
            ObservabilityEndpoints.NONE,
            () -> drains.incrementAndGet() == 1);
        port = server.start().getPort();
    }

    private void awaitOpenConnections(final int count)
    {
        while (server.openConnections() != count)
        {
            Thread.yield();
        }
    }

    private Socket connect() throws IOException
    {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Sends a request and reads the answer up to the server's close.
     */
    private String exchange(final String request) throws IOException
    {
        try (Socket socket = connect())
        {
            send(socket, request);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void send(final Socket socket, final String bytes) throws IOException
    {
        socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private static String readBytes(final InputStream in, final int count) throws IOException
    {
        final ByteArrayOutputStream read = new ByteArrayOutputStream();
        while (read.size() < count)
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            read.write(b);
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }
}
