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
 * Timing bounds are generous: they tell a timeout from a hang, nothing finer.
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
            // the slow request holds the only channel
            slow.send(RawHttp.get("/sleep?ms=2000"));
            assertEquals(1, awaitChannelsInUseAtLeast(instance, 1, 5_000));

            final long startNs = System.nanoTime();
            queued.send(RawHttp.get("/hello"));
            final RawHttp.Response rejected = queued.read();
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(503, rejected.status(), rejected.statusLine());
            assertTrue(waitedMs >= 250 && waitedMs < 1_800, "503 after " + waitedMs + " ms, the queue timeout is 300 ms");
            assertTrue(rejected.closes());
            assertTrue(queued.awaitClosedByServer());

            // the slow one is unharmed, and the channel serves the next client
            final RawHttp.Response done = slow.read();
            assertEquals(200, done.status(), done.statusLine());
            assertEquals("slept 2000 ms\n", done.text());
            assertEquals(0, instance.awaitChannelsInUse(0, 5_000));
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
        try (Instance instance = new Instance("--channels", "1", "--queue-timeout-ms", "3000");
             RawHttp first = new RawHttp(instance.port());
             RawHttp second = new RawHttp(instance.port()))
        {
            first.send(RawHttp.get("/sleep?ms=300"));
            assertEquals(1, awaitChannelsInUseAtLeast(instance, 1, 5_000));
            second.send(RawHttp.get("/whoami"));

            assertEquals(200, first.read().status());
            final RawHttp.Response queued = second.read();
            assertEquals(200, queued.status(), queued.statusLine());
            assertEquals(0, instance.awaitChannelsInUse(0, 5_000));
        }
    }

    @Test
    void shouldAnswer504WhenTheResponseTakesLongerThanTheResponseTimeout() throws Exception
    {
        try (Instance instance = new Instance("--response-timeout-ms", "300");
             RawHttp client = new RawHttp(instance.port()))
        {
            final long startNs = System.nanoTime();
            client.send(RawHttp.get("/sleep?ms=3000"));
            final RawHttp.Response response = client.read();
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(504, response.status(), response.statusLine());
            assertTrue(waitedMs >= 250 && waitedMs < 2_500, "504 after " + waitedMs + " ms, the response timeout is 300 ms");
            assertTrue(response.closes());
            assertTrue(client.awaitClosedByServer());

            // the worker was told: the channel is back well before its 3 s sleep would have ended
            assertEquals(0, instance.awaitChannelsInUse(0, 2_000), "channels in use after the 504");
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
            final long received = drained.get(20, TimeUnit.SECONDS);
            assertTrue(received < 1_000_000_000L, "the body was cut, " + received + " bytes came");
            assertEquals(0, instance.awaitChannelsInUse(0, 5_000), "channels in use after the cut");
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
