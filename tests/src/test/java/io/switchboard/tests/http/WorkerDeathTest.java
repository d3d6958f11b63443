package io.switchboard.tests.http;

import io.switchboard.tests.worker.CrashAtStartApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers that die: under load, every request still gets an answer and a
 * replacement serves at once; a worker that cannot start is backed off and
 * parked, not restarted in a tight loop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerDeathTest
{
    @Test
    void shouldAnswerEveryRequestWhenAWorkerIsKilledUnderLoad() throws Exception
    {
        try (Instance instance = new Instance("--workers", "2"))
        {
            final Set<Long> before = instance.readyWorkerPids();
            assertEquals(2, before.size(), "workers READY at start: " + before);
            final long victim = before.iterator().next();

            // how soon the replacement serves is a figure of ./switchboard bench faults; here: that it does
            final Load load = new Load(instance.port(), "/whoami", 200, 1_000, 10_000);
            try
            {
                load.awaitMore(2_000, 60_000);
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                // the replacement joins the load: wait until it has answered (a generous deadline, for the message)
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (newPids(load, before).isEmpty() && System.nanoTime() - deadlineNs < 0)
                {
                    Thread.sleep(10);
                }
                load.awaitMore(500, 60_000);
            }
            finally
            {
                load.close();
            }

            assertTrue(load.failures().isEmpty(), load.failures().size() + " requests got no response, the first: " +
                load.failures().stream().limit(3).toList());
            assertEquals("", load.statusesOtherThan(200, 502, 503), "answers other than 200, 502, 503");
            final Set<String> replacements = newPids(load, before);
            assertEquals(1, replacements.size(), "pids that answered besides the first two: " + replacements);
            assertTrue(instance.readyWorkerPids().contains(Long.parseLong(replacements.iterator().next())),
                "the replacement that served is not READY: " + instance.readyWorkerPids());
            assertEquals(0, instance.awaitChannelsInUse(0, 30_000), "channels in use once the load stopped");
        }
    }

    @Test
    void shouldBackOffAndParkAWorkerThatCrashesAtStart() throws Exception
    {
        final Path crashFile = Files.createTempFile("switchboard-crash-at-start-", ".flag");
        Files.delete(crashFile);
        try (Instance instance = new Instance("--workers", "1",
            "--worker-jvm-option", "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -D" +
                CrashAtStartApplication.CRASH_FILE_PROPERTY + "=" + crashFile,
            "--restart-delay-min-ms", "100", "--restart-delay-max-ms", "400",
            "--crash-loop-deaths", "3", "--crash-loop-window-ms", "60000", "--crash-loop-park-ms", "60000",
            "--queue-timeout-ms", "1000"))
        {
            final long healthy = instance.readyWorkerPids().iterator().next();
            Files.createFile(crashFile);
            ProcessHandle.of(healthy).ifPresent(ProcessHandle::destroyForcibly);

            // the delays between the starts (100, 200, 400 ms) are WorkerRestartTest's, on a clock it moves
            Admin.Slot slot = awaitSlotState(instance, 0, "PARKED", 60_000);
            assertEquals("PARKED", slot.state(), "slot 0: " + slot);
            assertEquals(3, slot.deathsBeforeReady(), "slot 0: " + slot);
            assertEquals(CrashAtStartApplication.EXIT_STATUS, slot.lastExitStatus(), "slot 0: " + slot);
            // the first start, the restart after the kill, two more after backing off
            assertEquals(4, slot.starts(), "slot 0: " + slot);
            assertTrue(slot.nextStartInMs() > 30_000, "slot 0: " + slot);

            // parked means parked: no worker serves, so the request waits out its queue timeout, and no start
            // happens meanwhile
            try (RawHttp client = new RawHttp(instance.port(), 30_000))
            {
                client.send(RawHttp.get("/hello"));
                assertEquals(503, client.read().status(), "no worker: the queued request times out with 503");
            }
            assertEquals(4, slotStatus(instance, 0).starts(), "started again while parked");

            // the operator fixed the cause and restarts: the slot starts at once
            Files.delete(crashFile);
            assertEquals(202, instance.admin("POST", "/admin/workers/restart").status());
            slot = awaitSlotState(instance, 0, "READY", 60_000);
            assertEquals("READY", slot.state(), "slot 0 after the operator's restart: " + slot);
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/hello"));
                assertEquals("Hello, world!", client.read().text());
            }
        }
        finally
        {
            Files.deleteIfExists(crashFile);
        }
    }

    @Test
    void shouldLeaveAWorkerServingOnSigint() throws Exception
    {
        // Ctrl-C reaches the whole process group: the CM drains, so its workers must not stop on their own
        try (Instance instance = new Instance("--workers", "1"))
        {
            final long worker = instance.readyWorkerPids().iterator().next();
            final Process kill = new ProcessBuilder("kill", "-INT", Long.toString(worker)).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -INT " + worker);
            Thread.sleep(500);
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/whoami"));
                assertEquals(Long.toString(worker), client.read().text(), "the worker after a SIGINT");
            }
        }
    }

    private static Set<String> newPids(final Load load, final Set<Long> before)
    {
        final Set<String> pids = new HashSet<>(load.firstSeenNs().keySet());
        for (final long pid : before)
        {
            pids.remove(Long.toString(pid));
        }
        return pids;
    }

    static Admin.Slot slotStatus(final Instance instance, final int slot) throws Exception
    {
        final Admin.Reply reply = instance.admin("GET", "/admin/status");
        assertEquals(200, reply.status(), reply.body());
        return reply.slots().get(slot);
    }

    /**
     * @return the slot's status once in {@code state}, or the last seen when the time ran out.
     */
    static Admin.Slot awaitSlotState(final Instance instance, final int slot, final String state, final long timeoutMs)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Admin.Slot seen = slotStatus(instance, slot);
        while (!state.equals(seen.state()) && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(20);
            seen = slotStatus(instance, slot);
        }
        return seen;
    }
}
