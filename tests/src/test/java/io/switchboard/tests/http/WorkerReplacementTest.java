package io.switchboard.tests.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replacing healthy workers, by an operator's rolling restart or by recycling
 * after N requests, fails no request: each new worker is READY before the one it
 * replaces is drained.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerReplacementTest
{
    @Test
    void shouldRestartEveryWorkerUnderLoadWithoutAFailedRequest() throws Exception
    {
        try (Instance instance = new Instance("--workers", "2"))
        {
            final Set<Long> before = instance.readyWorkerPids();
            assertEquals(2, before.size(), "workers READY at start: " + before);

            final Load load = new Load(instance.port(), "/whoami", 8, 1_000_000, 10_000);
            final Set<Long> after;
            try
            {
                load.awaitMore(200, 30_000);
                assertEquals(202, instance.admin("POST", "/admin/workers/restart").status());
                assertEquals(409, instance.admin("POST", "/admin/workers/restart").status(), "a second restart at once");
                assertEquals(405, instance.admin("GET", "/admin/workers/restart").status());

                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (instance.cm().supervisor().isRollingRestart() && System.nanoTime() - deadlineNs < 0)
                {
                    Thread.sleep(20);
                }
                assertFalse(instance.cm().supervisor().isRollingRestart(), "the rolling restart did not end");
                after = instance.readyWorkerPids();
                load.awaitMore(200, 30_000);
            }
            finally
            {
                load.close();
            }

            assertTrue(load.failures().isEmpty(), load.failures().size() + " requests got no response, the first: " +
                load.failures().stream().limit(3).toList());
            assertEquals("", load.statusesOtherThan(200), "answers other than 200");
            assertEquals(2, after.size(), "workers READY after the restart: " + after);
            final Set<Long> common = new HashSet<>(after);
            common.retainAll(before);
            assertTrue(common.isEmpty(), "workers not replaced: " + common);

            // the new workers serve: ask until both answered
            final Set<Long> served = new TreeSet<>();
            for (int i = 0; i < 100 && served.size() < 2; i++)
            {
                try (RawHttp client = new RawHttp(instance.port()))
                {
                    client.send(RawHttp.get("/whoami"));
                    served.add(Long.parseLong(client.read().text()));
                }
            }
            assertEquals(after, served, "pids answering /whoami after the restart");
            final Admin.Reply status = instance.admin("GET", "/admin/status");
            assertEquals("false", status.field("rolling_restart"), status.body());
            assertEquals(3, status.slots().size(), "two workers and a spare slot: " + status.body());
        }
    }

    @Test
    void shouldRecycleAWorkerAfterItsRequestLimitWithoutAFailedRequest() throws Exception
    {
        final int limit = 40;
        try (Instance instance = new Instance("--workers", "1", "--recycle-after-requests", Integer.toString(limit)))
        {
            final String first;
            String current;
            int servedByFirst = 0;
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/whoami"));
                RawHttp.Response response = client.read();
                assertEquals(200, response.status());
                first = response.text();
                current = first;
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (current.equals(first) && System.nanoTime() - deadlineNs < 0)
                {
                    servedByFirst++;
                    client.send(RawHttp.get("/whoami"));
                    response = client.read();
                    assertEquals(200, response.status(), "request " + servedByFirst + ": " + response.statusLine());
                    current = response.text();
                }
                // and the new one goes on serving on the same connection
                for (int i = 0; i < 10; i++)
                {
                    client.send(RawHttp.get("/whoami"));
                    assertEquals(current, client.read().text());
                }
            }
            assertFalse(current.equals(first), "still served by " + first + " after " + servedByFirst + " requests");
            assertTrue(servedByFirst >= limit, "recycled after " + servedByFirst + " requests, the limit is " + limit);
            assertEquals(Set.of(Long.parseLong(current)), instance.readyWorkerPids());
        }
    }
}
