package io.switchboard.tests.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose poller is stuck stops beating its heartbeat: the supervisor
 * kills it, the request it held gets a 502, and a replacement serves.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HungWorkerTest
{
    @Test
    void shouldKillAndReplaceAWorkerThatStopsItsHeartbeat() throws Exception
    {
        try (Instance instance = new Instance("--workers", "1", "--heartbeat-timeout-ms", "1000"))
        {
            final String before;
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/whoami"));
                before = client.read().text();
            }

            final long startNs = System.nanoTime();
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/failing/hang"));
                assertEquals(502, client.read().status());
            }
            final long failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            // heartbeat timeout plus the supervisor's check period and the kill, with room for a slow machine
            assertTrue(failedAfterMs < 1_000 + 2_000 + 5_000, "the hung request failed after " + failedAfterMs + " ms");

            final Set<String> pids = new HashSet<>();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pids.isEmpty() && System.nanoTime() - deadlineNs < 0)
            {
                try (RawHttp client = new RawHttp(instance.port()))
                {
                    client.send(RawHttp.get("/whoami"));
                    final RawHttp.Response response = client.read();
                    if (response.status() == 200)
                    {
                        pids.add(response.text());
                    }
                }
                catch (final java.io.IOException ex)
                {
                    Thread.sleep(50);
                }
            }
            assertEquals(1, pids.size(), "no replacement served");
            assertFalse(pids.contains(before), "the hung worker still serves");
            assertTrue(instance.awaitChannelsInUse(0, 5_000) == 0, "channels left in use");
        }
    }
}
