package io.switchboard.tests.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

            // how soon after the timeout the worker is killed is WorkerHealthCheckTest's, on a clock it moves; here:
            // the request fails with 502 (the worker was killed), not 504 (the response timeout, a minute)
            try (RawHttp client = new RawHttp(instance.port(), 50_000))
            {
                client.send(RawHttp.get("/failing/hang"));
                assertEquals(502, client.read().status());
            }

            final Set<String> pids = new HashSet<>();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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
            assertEquals(0, instance.awaitChannelsInUse(0, 30_000), "channels left in use");
        }
    }
}
