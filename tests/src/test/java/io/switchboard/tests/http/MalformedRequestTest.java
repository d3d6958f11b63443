package io.switchboard.tests.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every malformed request shape gets its 4xx (or 505) over a real socket, the
 * CM closes that connection, and the next client is served. The parser's own
 * unit tests cover the grammar; this checks the wire.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MalformedRequestTest
{
    private static final String MARKER = "peer-bytes-zq";
    private static final String HOST = "Host: localhost\r\n";

    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance("--max-body", "100000");
    }

    @AfterAll
    static void stop()
    {
        if (instance != null)
        {
            instance.close();
        }
    }

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            arguments("Content-Length and Transfer-Encoding", 400,
                "POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            arguments("two Content-Length", 400,
                "POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
            arguments("Content-Length not a number", 400,
                "POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 3x\r\n\r\nabc"),
            arguments("negative Content-Length", 400,
                "POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: -1\r\n\r\n"),
            arguments("bad chunk size", 400,
                "POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + MARKER + "\r\n0\r\n\r\n"),
            arguments("chunk data without CRLF", 400,
                "POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"),
            arguments("obs-fold", 400,
                "GET /hello HTTP/1.1\r\n" + HOST + "X-Folded: a\r\n " + MARKER + "\r\n\r\n"),
            arguments("bare CR in a field value", 400,
                "GET /hello HTTP/1.1\r\n" + HOST + "X-Value: a\rb\r\n\r\n"),
            arguments("bare LF ending a field", 400,
                "GET /hello HTTP/1.1\r\n" + HOST + "X-Value: a\n\r\n"),
            arguments("invalid character in a header name", 400,
                "GET /hello HTTP/1.1\r\n" + HOST + "X(Bad): " + MARKER + "\r\n\r\n"),
            arguments("space before the colon", 400,
                "GET /hello HTTP/1.1\r\n" + HOST + "X-Bad : 1\r\n\r\n"),
            arguments("request line without version", 400,
                "GET /hello\r\n" + HOST + "\r\n"),
            arguments("request line with two spaces", 400,
                "GET  /hello HTTP/1.1\r\n" + HOST + "\r\n"),
            arguments("invalid method character", 400,
                "G(T /hello HTTP/1.1\r\n" + HOST + "\r\n"),
            arguments("oversize request line", 414,
                "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + HOST + "\r\n"),
            arguments("too many header fields", 431,
                "GET /hello HTTP/1.1\r\n" + HOST + "X-Many: 1\r\n".repeat(150) + "\r\n"),
            arguments("header section too large", 431,
                "GET /hello HTTP/1.1\r\n" + HOST + ("X-Large: " + "b".repeat(4000) + "\r\n").repeat(9) + "\r\n"),
            arguments("Content-Length over --max-body", 413,
                "POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 100001\r\n\r\n"),
            arguments("chunked body over --max-body", 413,
                "POST /echo HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n186a1\r\n"),
            arguments("Content-Length over --max-body with Expect", 413,
                "POST /echo HTTP/1.1\r\n" + HOST + "Expect: 100-continue\r\nContent-Length: 200000\r\n\r\n"),
            arguments("missing Host", 400,
                "GET /hello HTTP/1.1\r\n\r\n"),
            arguments("two Host fields", 400,
                "GET /hello HTTP/1.1\r\n" + HOST + HOST + "\r\n"),
            arguments("HTTP/2.0 version", 505,
                "GET /hello HTTP/2.0\r\n" + HOST + "\r\n"),
            arguments("Transfer-Encoding in HTTP/1.0", 400,
                "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("malformed")
    void shouldRejectMalformedRequestCloseAndServeTheNextClient(final String shape, final int status, final String request)
        throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(request);
            final RawHttp.Response response = client.read();
            assertEquals(status, response.status(), shape + ": " + response.statusLine());
            assertTrue(response.closes(), shape + ": Connection: close expected");
            assertFalse(response.text().contains(MARKER), shape + ": the body echoes the peer's bytes: " + response.text());
            assertTrue(client.awaitClosedByServer(), shape + ": the server must close the connection");
        }

        try (RawHttp next = new RawHttp(instance.port()))
        {
            next.send(RawHttp.get("/hello"));
            final RawHttp.Response response = next.read();
            assertEquals(200, response.status(), "the next client after " + shape);
            assertEquals("Hello, world!", response.text());
        }
        assertEquals(0, instance.awaitChannelsInUse(0, 5_000), shape + ": channels in use");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRejectMalformedRequestAfterAGoodOneOnTheSameConnection(final String shape, final int status,
        final String request) throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/hello"));
            assertEquals(200, client.read().status());

            client.send(request);
            final RawHttp.Response response = client.read();
            assertEquals(status, response.status(), shape + ": " + response.statusLine());
            assertTrue(client.awaitClosedByServer(), shape + ": the server must close the connection");
        }
    }

    @Test
    void shouldSendTheWholeRejectionAfterAHeadRequest() throws Exception
    {
        // the rejection of a request that follows a HEAD is no answer to a HEAD: its body goes out in full
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, client.read(true).status());

            client.send("GET /hello HTTP/1.1\r\n\r\n");
            final RawHttp.Response response = client.read();
            assertEquals(400, response.status(), response.statusLine());
            assertTrue(client.awaitClosedByServer(), "the server must close the connection");
        }
    }
}
