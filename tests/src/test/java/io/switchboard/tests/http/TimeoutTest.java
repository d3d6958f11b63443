package io.switchboard.tests.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CM's own answers when a worker cannot help in time: 503 when no channel
 * frees up within the queue timeout, 504 when the response takes longer than
 * the response timeout. Each test needs its own settings, so its own instance.
 * No upper bound on any wait: the work that would answer otherwise (a handler's
 * sleep) outlasts the test, so an answer at all proves the timeout fired. The
 * lower bounds are the contract (not before the timeout), which load only lengthens.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeoutTest
{
    @Test
    void shouldAnswer503WhenNoChannelFreesUpWithinTheQueueTimeout() throws Exception
    {
        try (Instance instance = new Instance("--channels", "1", "--queue-timeout-ms", "300");
             RawHttp slow = new RawHttp(instance.port());
             RawHttp queued = new RawHttp(instance.port()))
        {
            // the slow request holds the only channel for longer than the test may run
            slow.send(RawHttp.get("/sleep?ms=600000"));
            assertEquals(1, awaitChannelsInUseAtLeast(instance, 1, 30_000));

            final long startNs = System.nanoTime();
            queued.send(RawHttp.get("/hello"));
            final RawHttp.Response rejected = queued.read();
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(503, rejected.status(), rejected.statusLine());
            assertTrue(waitedMs >= 250, "503 after " + waitedMs + " ms, before the queue timeout of 300 ms");
            assertTrue(rejected.closes());
            assertTrue(queued.awaitClosedByServer());
            assertEquals(1, instance.channelsInUse(), "the slow request lost its channel");

            // the slow one is unharmed (still in flight); once its client leaves, the channel serves the next
            slow.close();
            assertEquals(0, instance.awaitChannelsInUse(0, 30_000));
            try (RawHttp next = new RawHttp(instance.port()))
            {
                next.send(RawHttp.get("/hello"));
                assertEquals("Hello, world!", next.read().text());
            }
        }
    }

    @Test
    void shouldServeAQueuedRequestOnceTheChannelFreesUp() throws Exception
    {
        // a queue timeout far beyond the first request's 300 ms: the second waits for it, however slow the machine
        try (Instance instance = new Instance("--channels", "1", "--queue-timeout-ms", "60000");
             RawHttp first = new RawHttp(instance.port());
             RawHttp second = new RawHttp(instance.port()))
        {
            first.send(RawHttp.get("/sleep?ms=300"));
            assertEquals(1, awaitChannelsInUseAtLeast(instance, 1, 30_000));
            second.send(RawHttp.get("/whoami"));

            assertEquals(200, first.read().status());
            final RawHttp.Response queued = second.read();
            assertEquals(200, queued.status(), queued.statusLine());
            assertEquals(0, instance.awaitChannelsInUse(0, 30_000));
        }
    }

    @Test
    void shouldAnswer504WhenTheResponseTakesLongerThanTheResponseTimeout() throws Exception
    {
        try (Instance instance = new Instance("--response-timeout-ms", "300");
             RawHttp client = new RawHttp(instance.port()))
        {
            // the handler would sleep for ten minutes: only the response timeout answers
            final long startNs = System.nanoTime();
            client.send(RawHttp.get("/sleep?ms=600000"));
            final RawHttp.Response response = client.read();
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(504, response.status(), response.statusLine());
            assertTrue(waitedMs >= 250, "504 after " + waitedMs + " ms, before the response timeout of 300 ms");
            assertTrue(response.closes());
            assertTrue(client.awaitClosedByServer());

            // the worker was told: the channel comes back, long before the handler's sleep would have ended
            assertEquals(0, instance.awaitChannelsInUse(0, 30_000), "channels in use after the 504");
            try (RawHttp next = new RawHttp(instance.port()))
            {
                next.send(RawHttp.get("/hello"));
                assertEquals("Hello, world!", next.read().text());
            }
        }
    }

    @Test
    void shouldCutAStreamedResponseThatOutlastsTheResponseTimeout() throws Exception
    {
        // the head and some body are out when the timeout strikes: no 504 can be sent, the connection is cut
        try (Instance instance = new Instance("--response-timeout-ms", "300");
             RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/bytes?n=1000000000"));
            final RawHttp.Response head = client.readHead();
            assertEquals(200, head.status());
            // read nothing more: the worker blocks on a full ring; after 300 ms the CM gives up on the response
            final CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    Thread.sleep(1_000);
                    return client.input().transferTo(java.io.OutputStream.nullOutputStream());
                }
                catch (final Exception ex)
                {
                    return -1L;
                }
            }, Executors.newVirtualThreadPerTaskExecutor());
            final long received = drained.get(50, TimeUnit.SECONDS);
            assertTrue(received < 1_000_000_000L, "the body was cut, " + received + " bytes came");
            assertEquals(0, instance.awaitChannelsInUse(0, 30_000), "channels in use after the cut");
        }
    }

    private static int awaitChannelsInUseAtLeast(final Instance instance, final int expected, final long timeoutMs)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int inUse;
        while ((inUse = instance.channelsInUse()) < expected && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(5);
        }
        return inUse;
    }
}
