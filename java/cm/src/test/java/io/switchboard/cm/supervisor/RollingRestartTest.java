package io.switchboard.cm.supervisor;

import io.switchboard.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replacing healthy workers on the test's clock ({@link SupervisorHarness}): one at a time, each new one
 * announced before its predecessor drains; a drain ends when the last channel closes or at the drain timeout,
 * a worker that ignores SIGTERM is killed after the grace period; a replacement that fails abandons the restart.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RollingRestartTest
{
    private static final long DRAIN_POLL_MS = TimeUnit.NANOSECONDS.toMillis(WorkerReplacement.DRAIN_POLL_NS);

    @Test
    void shouldReplaceEveryWorkerOneAtATimeEachNewOneReadyBeforeItsPredecessorDrains()
    {
        try (SupervisorHarness harness = new SupervisorHarness(2))
        {
            harness.startAll();
            final FakeWorker first = harness.worker(0);
            final FakeWorker second = harness.worker(1);
            harness.runMs(100);

            assertTrue(harness.supervisor.restartAll());
            assertFalse(harness.supervisor.restartAll(), "a second restart while one runs");
            harness.executor.runDue();
            assertTrue(harness.supervisor.isRollingRestart());
            assertEquals("STARTING", harness.state(2));
            assertEquals(3, harness.processes.workers().size(), "replacements started at once: one at a time");

            harness.openChannels[0] = 2;
            harness.ready(2);
            assertEquals("DRAINING", harness.state(0));
            harness.runMs(1_000);
            assertEquals(0, first.sigterms(), "stopped with channels open");
            harness.openChannels[0] = 0;
            harness.executor.advanceMs(DRAIN_POLL_MS);
            assertFalse(first.isAlive());

            // the drained slot is the room for the next replacement
            assertEquals("STARTING", harness.state(0));
            assertTrue(second.isAlive(), "the second worker went before its replacement was READY");
            harness.ready(0);
            assertFalse(second.isAlive(), "the second worker, idle, was not stopped once drained");
            assertFalse(harness.supervisor.isRollingRestart(), "the restart did not end");

            assertEquals(List.of("ready 0", "ready 1",
                "ready 2", "draining 0", "lost 0",
                "ready 0", "draining 1", "lost 1"), harness.listened);
            assertEquals(List.of("READY", "SPARE", "READY"),
                harness.supervisor.snapshot().stream().map(WorkerStatus::state).toList());
        }
    }

    /**
     * The spare loaded its applications when it started: after a jar was replaced, a spare from before the restart
     * would bring the old code back, as the restart's first replacement or at the next death.
     */
    @Test
    void shouldRetireTheSpareStartedBeforeTheRestartAndNeverPromoteIt() throws Exception
    {
        try (SupervisorHarness harness = new SupervisorHarness(2))
        {
            final java.util.concurrent.CompletableFuture<Void> started = new java.util.concurrent.CompletableFuture<>();
            Thread.ofPlatform().daemon().name("supervisor-start").start(() ->
            {
                try
                {
                    harness.supervisor.start();
                    started.complete(null);
                }
                catch (final RuntimeException ex)
                {
                    started.completeExceptionally(ex);
                }
            });
            while (harness.processes.workers().size() < 2)
            {
                Thread.onSpinWait();
                harness.executor.runDue();
            }
            harness.ready(0);
            harness.ready(1);
            started.get(20, TimeUnit.SECONDS);
            harness.executor.runDue();
            assertEquals(1, harness.processes.spares().size(), "no spare started once the workers were READY");
            final FakeWorker oldSpare = harness.processes.spares().getFirst();

            assertTrue(harness.supervisor.restartAll());
            harness.executor.runDue();

            assertEquals("", oldSpare.stdin(), "the spare from before the restart was given a slot");
            assertTrue(oldSpare.isAlive(), "the retired spare was given no time to stop its applications");
            assertEquals(2, harness.processes.spares().size(), "no new spare started in its place");
            final FakeWorker newSpare = harness.processes.spares().get(1);
            assertEquals(newSpare.pid(), harness.supervisor.pid(2), "the replacement is not the new spare");
            assertEquals("2\n", newSpare.stdin());

            // the restart runs to its end; a worker dying afterwards gets a spare started after the restart began
            harness.ready(2);
            harness.executor.advanceMs(DRAIN_POLL_MS);
            harness.ready(0);
            harness.runMs(SupervisorHarness.STOP_GRACE_MS);
            assertTrue(oldSpare.wasKilled(), "the retired spare (its input closed) lives on after the grace period");
            assertFalse(harness.supervisor.isRollingRestart(), "the restart did not end");
            harness.runMs(1_000);
            final FakeWorker latest = harness.processes.spares().getLast();
            assertTrue(latest.isAlive() && latest.stdin().isEmpty(), "no spare waits after the restart");
            harness.exit(2, 1);
            harness.executor.advanceMs(100);
            assertEquals(latest.pid(), harness.supervisor.pid(2), "the dead worker's slot went to another process");
            assertFalse(oldSpare.isAlive());
        }
    }

    @Test
    void shouldStopADrainingWorkerAtTheDrainTimeoutAndKillItAfterTheGracePeriod()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1);
             LogCapture log = LogCapture.of(WorkerReplacement.class))
        {
            harness.startAll();
            final FakeWorker old = harness.worker(0);
            old.ignoreSigterm();
            harness.openChannels[0] = 1;
            assertTrue(harness.supervisor.restartAll());
            harness.executor.runDue();
            harness.ready(1);
            assertEquals("DRAINING", harness.state(0));

            // the drain deadline counts from the start of the drain, checked every poll period
            harness.runMs(SupervisorHarness.DRAIN_TIMEOUT_MS - DRAIN_POLL_MS);
            assertEquals(0, old.sigterms(), "stopped before the drain timeout");
            harness.runMs(2 * DRAIN_POLL_MS);
            assertEquals(1, old.sigterms(), "not stopped at the drain timeout");
            assertTrue(log.contains("worker slot 0 (pid " + old.pid() + ") still has 1 open channels after 5000 ms " +
                "of draining: stopping it"), log.messages().toString());

            harness.runMs(SupervisorHarness.STOP_GRACE_MS - 2 * DRAIN_POLL_MS);
            assertTrue(old.isAlive(), "killed before its grace period was up");
            harness.runMs(2 * DRAIN_POLL_MS);
            assertTrue(old.wasKilled(), "alive after ignoring SIGTERM for the grace period");
            assertTrue(log.contains("ignored SIGTERM for 3000 ms: killing it"), log.messages().toString());
            assertEquals("SPARE", harness.state(0));
            assertFalse(harness.supervisor.isRollingRestart());
        }
    }

    @Test
    void shouldAbandonTheRestartWhenAReplacementFailsToStartAndLeaveTheOthersServing()
    {
        try (SupervisorHarness harness = new SupervisorHarness(2);
             LogCapture log = LogCapture.of(RollingRestart.class))
        {
            harness.startAll();
            final FakeWorker first = harness.worker(0);
            final FakeWorker second = harness.worker(1);
            assertTrue(harness.supervisor.restartAll());
            harness.executor.runDue();
            harness.exit(2, 1);

            assertFalse(harness.supervisor.isRollingRestart(), "the restart goes on with an application that fails");
            assertTrue(log.contains("rolling restart abandoned after 0 workers replaced"), log.messages().toString());
            assertTrue(first.isAlive() && second.isAlive(), "a worker was stopped though nothing replaced it");
            assertEquals(List.of("ready 0", "ready 1"), harness.listened);
            harness.runMs(1_000);
            assertEquals(3, harness.processes.workers().size(), "a replacement started again on its own");
        }
    }

    @Test
    void shouldLetAStartingReplacementTakeThePlaceOfTheWorkerThatDiedMeanwhile()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1))
        {
            harness.startAll();
            assertTrue(harness.supervisor.restartAll());
            harness.executor.runDue();
            harness.exit(0, 1);
            assertEquals("SPARE", harness.state(0), "the dead worker's slot is restarted besides its replacement");
            harness.executor.advanceMs(1_000);
            assertEquals(2, harness.processes.workers().size());

            harness.ready(1);
            assertEquals("READY", harness.state(1));
            assertFalse(harness.supervisor.isRollingRestart());
            assertEquals(List.of("ready 0", "lost 0", "ready 1"), harness.listened);
        }
    }
}
