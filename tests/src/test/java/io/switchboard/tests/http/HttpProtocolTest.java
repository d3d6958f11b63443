package io.switchboard.tests.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/1.1 on the wire, over raw sockets: keep-alive, pipelining, chunked
 * framing both ways, {@code Expect: 100-continue}, HEAD, {@code Connection: close},
 * HTTP/1.0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpProtocolTest
{
    private static final String HELLO = "Hello, world!";

    private static Instance instance;

    private int channelsInUseBefore;

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

    @BeforeEach
    void countChannels()
    {
        // a channel leaked by an earlier test is that test's failure, not this one's
        channelsInUseBefore = instance.channelsInUse();
    }

    @AfterEach
    void checkNoChannelLeaked() throws Exception
    {
        final int inUse = instance.awaitChannelsInUse(channelsInUseBefore, 5_000);
        assertTrue(inUse <= channelsInUseBefore, "channels in use after the test: " + inUse);
    }

    @Test
    void shouldServeSeveralRequestsOnOneKeepAliveConnection() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            for (int i = 0; i < 5; i++)
            {
                client.send(RawHttp.get("/hello"));
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), response.statusLine());
                assertEquals("HTTP/1.1 200 OK", response.statusLine());
                assertEquals(HELLO, response.text());
                assertFalse(response.closes(), "request " + i + " closed the connection");
            }

            // an application's 404 keeps the connection
            client.send(RawHttp.get("/no-such-page"));
            final RawHttp.Response notFound = client.read();
            assertEquals(404, notFound.status(), notFound.statusLine());
            assertFalse(notFound.closes());

            // a POST with a body in between, then a GET again: the body's framing is exact
            client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nabcde");
            assertEquals("abcde", client.read().text());
            client.send(RawHttp.get("/hello"));
            assertEquals(HELLO, client.read().text());
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(
                RawHttp.get("/hello") +
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 6\r\n\r\nfirst!" +
                RawHttp.get("/bytes?n=3") +
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 7\r\n\r\nsecond!" +
                RawHttp.get("/sleep?ms=10") +
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nthi\r\n2\r\nrd\r\n0\r\n\r\n" +
                RawHttp.get("/hello"));

            assertEquals(HELLO, client.read().text());
            assertEquals("first!", client.read().text());
            assertEquals("abc", client.read().text());
            assertEquals("second!", client.read().text());
            assertEquals("slept 10 ms\n", client.read().text());
            assertEquals("third", client.read().text());
            assertEquals(HELLO, client.read().text());
        }
    }

    @Test
    void shouldAnswerAThousandPipelinedRequestsInOrder() throws Exception
    {
        // about 45 KB of requests in one write: more than the CM's read buffer holds at once
        final StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 1000; i++)
        {
            requests.append(RawHttp.get("/bytes?n=" + (i % 97)));
        }
        try (RawHttp client = new RawHttp(instance.port()))
        {
            final Thread writer = Thread.ofVirtual().start(() ->
            {
                try
                {
                    client.send(requests.toString());
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            for (int i = 0; i < 1000; i++)
            {
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), "response " + i + ": " + response.statusLine());
                assertEquals(i % 97, response.body().length, "response " + i);
            }
            writer.join(5_000);
        }
    }

    @Test
    void shouldNotAnswerThePipelinedRequestsAfterConnectionClose() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" + RawHttp.get("/whoami"));
            assertEquals(HELLO, client.read().text());
            assertTrue(client.awaitClosedByServer(), "nothing after the response to Connection: close");
        }
    }

    @Test
    void shouldStartTheHandlerBeforeTheBodyArrives() throws Exception
    {
        // the head goes to the worker as soon as a channel is open: /hello answers without waiting for the body
        try (RawHttp client = new RawHttp(instance.port(), 3_000))
        {
            client.send("POST /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\n");
            final RawHttp.Response early = client.read();
            assertEquals(HELLO, early.text());
        }
    }

    @Test
    void shouldNotParseTheBodyOfAnEarlyAnsweredRequestAsARequest() throws Exception
    {
        // /hello answers without reading the body, here after its first byte: the rest is still the body. The CM
        // must read it as such (or close the connection), never parse it as a request.
        final String smuggled = RawHttp.get("/whoami");
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("POST /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (1 + smuggled.length()) +
                "\r\n\r\nX");
            final RawHttp.Response early = client.read();
            assertEquals(HELLO, early.text());

            // let the exchange settle (the worker's final frame may trail its body): a CM that ends the exchange on
            // the final frame frees the channel, one that still reads the body may keep it
            instance.awaitChannelsInUse(channelsInUseBefore, 1_000);
            try
            {
                client.send(smuggled);
            }
            catch (final java.net.SocketException closed)
            {
                // the CM closed the connection after answering early: the rest of the body was never read as a request
                return;
            }
            if (early.closes())
            {
                assertTrue(client.awaitClosedByServer());
                return;
            }
            final RawHttp.Response next;
            try
            {
                client.send(RawHttp.get("/hello"));
                next = client.read();
            }
            catch (final java.io.IOException closed)
            {
                // closed without a Connection: close header (the head went out before the CM knew): also safe
                return;
            }
            assertEquals(HELLO, next.text(), "the body of the POST was answered as a request: " + next.statusLine());
        }
    }

    @Test
    void shouldServeAnAbsoluteFormTarget() throws Exception
    {
        // RFC 9112 3.2.2: a server must accept the absolute form
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("GET http://localhost/hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine() + " " + response.text());
            assertEquals(HELLO, response.text());
        }
    }

    @Test
    void shouldDecodeChunkedRequestBodyAndChunkTheResponseOfUnknownLength() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            final String request = "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" +
                "5\r\nHello\r\n" +
                "2;ext=\"value\"\r\n, \r\n" +
                "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n" +
                "1\r\n!\r\n" +
                "0\r\nX-Checksum: 42\r\nX-Other: yes\r\n\r\n";
            // the chunks in three writes, cut inside framing and data
            final byte[] bytes = RawHttp.ascii(request);
            client.send(java.util.Arrays.copyOfRange(bytes, 0, 80));
            Thread.sleep(20);
            client.send(java.util.Arrays.copyOfRange(bytes, 80, 101));
            Thread.sleep(20);
            client.send(java.util.Arrays.copyOfRange(bytes, 101, bytes.length));

            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("chunked", response.header("transfer-encoding"));
            assertNull(response.header("content-length"));
            assertTrue(response.complete());
            assertEquals("Hello, abcdefghijklmnopqrstuvwxyz!", response.text());

            // the connection stays usable after a chunked exchange
            client.send(RawHttp.get("/hello"));
            assertEquals(HELLO, client.read().text());
        }
    }

    @Test
    void shouldSend100ContinueBeforeTheBodyIsSent() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue", client.readLine());
            assertEquals("", client.readLine());

            client.send("hello world");
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("hello world", response.text());
        }
    }

    @Test
    void shouldSend100ContinueForAChunkedBody() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue", client.readLine());
            assertEquals("", client.readLine());

            client.send("3\r\nabc\r\n0\r\n\r\n");
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("abc", response.text());
        }
    }

    @Test
    void shouldAnswerHeadWithHeadersAndNoBody() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final RawHttp.Response head = client.read(true);
            assertEquals(200, head.status(), head.statusLine());
            assertEquals(String.valueOf(HELLO.length()), head.header("content-length"));
            assertEquals("text/plain", head.header("content-type"));

            // had a body been sent, it would be read here as the next status line
            client.send(RawHttp.get("/hello"));
            final RawHttp.Response get = client.read();
            assertEquals("HTTP/1.1 200 OK", get.statusLine());
            assertEquals(HELLO, get.text());

            // a large streamed body is dropped as well
            client.send("HEAD /bytes?n=1000000 HTTP/1.1\r\nHost: localhost\r\n\r\n" + RawHttp.get("/hello"));
            final RawHttp.Response bigHead = client.read(true);
            assertEquals("1000000", bigHead.header("content-length"));
            assertEquals("HTTP/1.1 200 OK", client.readLine());
        }
    }

    @Test
    void shouldCloseTheConnectionAfterTheResponseWhenAskedTo() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine());
            assertEquals(HELLO, response.text());
            assertTrue(response.closes(), "Connection: close in the response");
            assertTrue(client.awaitClosedByServer(), "the server closes the connection");
        }
    }

    @Test
    void shouldServeHttp10AndCloseUnlessKeptAlive() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("GET /hello HTTP/1.0\r\n\r\n");
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine());
            assertEquals(HELLO, response.text());
            assertTrue(client.awaitClosedByServer(), "an HTTP/1.0 connection ends after the response");
        }

        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            final RawHttp.Response first = client.read();
            assertEquals(HELLO, first.text());
            assertEquals("keep-alive", first.header("connection"));

            client.send("POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\n1.0!");
            assertEquals("1.0!", client.read().text());
        }
    }
}
