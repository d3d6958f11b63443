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
        // the shortest timeout allowed: an idle worker beats only once a second
        try (Instance instance = new Instance("--workers", "1", "--heartbeat-timeout-ms", "2000"))
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
            // the heartbeat timeout plus 2 s for the supervisor's check period (timeout / 4) and the kill
            assertTrue(failedAfterMs < 2_000 + 2_000, "the hung request failed after " + failedAfterMs + " ms");

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
            final long replacedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertEquals(1, pids.size(), "no replacement served");
            // and the replacement serves within the timeout plus 2 s of the hang, give or take a JVM start
            assertTrue(replacedAfterMs < 2_000 + 2_000 + 2_000, "the replacement served after " + replacedAfterMs + " ms");
            assertFalse(pids.contains(before), "the hung worker still serves");
            assertTrue(instance.awaitChannelsInUse(0, 5_000) == 0, "channels left in use");
        }
    }
}
