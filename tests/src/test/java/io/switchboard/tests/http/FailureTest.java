package io.switchboard.tests.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handlers that throw and clients that go away: the client gets what the
 * contract promises and the channel always comes back to the pool.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureTest
{
    /** What {@code FailingApplication} throws with: it must never reach a client. */
    private static final String SECRET = "secret-internal-detail";

    private static Instance instance;

    private int channelsInUseBefore;

    @BeforeAll
    static void start()
    {
        // "/after" also routed to the failing application: FailingApplication matches the path "/after" exactly
        instance = new Instance("--max-body", "200000000", "--route", "/after=failing");
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
    void countChannels() throws Exception
    {
        // a channel leaked by an earlier test is that test's failure, not this one's: counts are relative
        channelsInUseBefore = instance.awaitChannelsInUse(0, 1_000);
    }

    @Test
    void shouldAnswer500WithoutInternalsWhenTheHandlerThrowsBeforeWriting() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/failing/before"));
            final RawHttp.Response response = client.read();
            assertEquals(500, response.status(), response.statusLine());
            assertFalse(response.text().contains(SECRET), response.text());
            assertFalse(response.text().contains("Exception"), response.text());
            assertFalse(response.text().contains("at io."), response.text());

            // nothing went wrong with the framing: the connection may go on
            client.send(RawHttp.get("/hello"));
            assertEquals("Hello, world!", client.read().text());
        }
        assertChannelsFreed("channels in use after the test", 30_000);
    }

    @Test
    void shouldCloseTheConnectionAfterPartialOutputWhenTheHandlerThrowsAfterWriting() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/failing/after"));
            final RawHttp.Response response = client.read();
            // FailingApplication writes "partial" with no length (so the CM chunks it), then throws; a 500 here
            // means it never saw the path "/after" (it got the full "/failing/after": routes keep their prefix)
            assertEquals(200, response.status(), response.statusLine() + " " + response.text());
            assertEquals("partial", response.text());
            assertFalse(response.complete(), "the body must not end as if complete");
            assertTrue(client.awaitClosedByServer(), "the connection is closed after the partial output");
        }
        assertChannelsFreed("channels in use after the test", 30_000);
    }

    @Test
    void shouldCloseTheConnectionAfterPartialOutputOfAHandlerSeeingThePathItMatches() throws Exception
    {
        // the same exchange as above, routed so that FailingApplication sees "/after" and takes its throw-after-write
        // branch: this checks the CM's side (partial body relayed, no last chunk, connection closed)
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/after"));
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine() + " " + response.text());
            assertEquals("chunked", response.header("transfer-encoding"));
            assertEquals("partial", response.text());
            assertFalse(response.complete(), "the body must not end as if complete");
            assertTrue(client.awaitClosedByServer(), "the connection is closed after the partial output");
        }
        assertChannelsFreed("channels in use after the test", 30_000);
    }

    @Test
    void shouldFreeTheChannelWhenTheClientDisconnectsWhileTheHandlerSleeps() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            // the handler would sleep for ten minutes, longer than the test may run
            client.send(RawHttp.get("/sleep?ms=600000"));
            assertEquals(channelsInUseBefore + 1, awaitChannelsInUseAtLeast(channelsInUseBefore + 1, 30_000),
                "the request holds a channel");
        }

        // so the channel comes back only if the CM cancels and the handler stops
        assertChannelsFreed("channels in use after the client left", 30_000);
        assertServed();
    }

    @Test
    void shouldFreeTheChannelWhenTheClientDisconnectsMidDownload() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/bytes?n=1000000000"));
            final RawHttp.Response head = client.readHead();
            assertEquals(200, head.status());
            final byte[] some = client.input().readNBytes(1024 * 1024);
            assertEquals(1024 * 1024, some.length);
        }

        assertChannelsFreed("channels in use after the client left", 30_000);
        assertServed();
    }

    /**
     * A client that asks for a large body and does not read it: the socket and the ring fill, the
     * handler waits for space (backpressure), and everything else goes on being served, by the same
     * workers; once the client leaves, its channel comes back.
     */
    @Test
    void shouldServeOthersWhileAClientReadsItsResponseSlowly() throws Exception
    {
        try (RawHttp slow = new RawHttp(instance.port()))
        {
            slow.send(RawHttp.get("/bytes?n=1000000000"));
            assertEquals(200, slow.readHead().status());
            // the socket buffers have filled up behind the client that does not read, and then the ring: the
            // handler waits for space from here on
            while (!instance.outboundRingBackedUp())
            {
                Thread.sleep(5);
            }
            for (int i = 0; i < 20; i++)
            {
                // a request that hung would fail at the socket's read timeout
                assertServed();
            }
            assertTrue(instance.channelsInUse() > channelsInUseBefore, "the slow client's exchange is still on");
        }
        assertChannelsFreed("channels in use after the slow client left", 30_000);
    }

    @Test
    void shouldFreeTheChannelWhenTheClientDisconnectsMidUpload() throws Exception
    {
        // the client uploads to /echo and reads nothing back, through a small receive buffer: the echo's response
        // backs up to the worker, the worker stops taking the body, the inbound ring fills and the CM stops reading
        // the socket. Then the client goes away.
        try (RawHttp client = new RawHttp(instance.port(), 1_000, 4 * 1024))
        {
            final OutputStream out = client.socket().getOutputStream();
            final AtomicLong written = new AtomicLong();
            final Thread writer = Thread.ofVirtual().start(() ->
            {
                try
                {
                    out.write(RawHttp.ascii("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000000\r\n\r\n"));
                    final byte[] chunk = new byte[16 * 1024];
                    while (written.get() < 100_000_000L - chunk.length)
                    {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                }
                catch (final java.io.IOException ex)
                {
                    // the socket was closed under the writer: expected
                }
            });
            // until everything between client and handler is full: the CM has stopped reading the socket
            while (!instance.inboundRingBackedUp())
            {
                Thread.sleep(5);
            }
            assertTrue(written.get() < 100_000_000L - 16 * 1024, "the upload never stalled");
            assertEquals(channelsInUseBefore + 1, instance.channelsInUse());
        }

        assertChannelsFreed("channels in use after the client left mid-upload", 30_000);
        assertServed();
    }

    @Test
    void shouldFreeTheChannelWhenTheClientDisconnectsMidChunkedUpload() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            final RawHttp.Response head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("5", client.readLine());
            assertEquals("hello", client.readLine());
        }

        assertChannelsFreed("channels in use after the client left mid-body", 30_000);
        assertServed();
    }

    @Test
    void shouldKeepAFailedExchangesLateFramesOutOfTheNextExchange() throws Exception
    {
        // a bad chunk after some data: the CM answers 400 itself and cancels the worker, whose handler may already
        // be writing. The channel must stay with that exchange until the worker's final frame; then the next
        // request on the same (reused) slot sees only its own frames. One worker: no other worker can be involved.
        try (Instance single = new Instance("--workers", "1"))
        {
            int failures = 0;
            String first = null;
            for (int i = 0; i < 100; i++)
            {
                String failure = null;
                try (RawHttp bad = new RawHttp(single.port(), 5_000);
                     RawHttp next = new RawHttp(single.port(), 5_000))
                {
                    bad.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" +
                        "3\r\nabcX\r\n0\r\n\r\n");
                    final RawHttp.Response rejected = bad.read();
                    if (rejected.status() != 400)
                    {
                        failure = "the bad request got " + rejected.statusLine();
                    }
                    next.send(RawHttp.get("/hello"));
                    final RawHttp.Response response = next.read();
                    if (response.status() != 200 || !"Hello, world!".equals(response.text()))
                    {
                        failure = "the next request got " + response.statusLine() + " " + response.text();
                    }
                }
                catch (final java.io.IOException ex)
                {
                    failure = ex.toString();
                }
                if (failure != null)
                {
                    failures++;
                    first = first == null ? "iteration " + i + ": " + failure : first;
                }
            }
            assertEquals(0, failures, "exchanges disturbed by an earlier exchange's frames, the first: " + first);
            assertEquals(0, single.awaitChannelsInUse(0, 5_000));
        }
    }

    private void assertChannelsFreed(final String what, final long timeoutMs) throws InterruptedException
    {
        final int inUse = instance.awaitChannelsInUse(channelsInUseBefore, timeoutMs);
        assertTrue(inUse <= channelsInUseBefore, what + ": " + inUse + ", " + channelsInUseBefore + " before the test");
    }

    private static int awaitChannelsInUseAtLeast(final int expected, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int inUse;
        while ((inUse = instance.channelsInUse()) < expected && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(5);
        }
        return inUse;
    }

    private static void assertServed() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/hello"));
            assertEquals("Hello, world!", client.read().text());
        }
    }
}
