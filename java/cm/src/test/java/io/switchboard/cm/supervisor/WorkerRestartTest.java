package io.switchboard.cm.supervisor;

import ch.qos.logback.classic.Level;
import io.switchboard.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starting workers and starting them again: the ready timeout, restart backoff, crash-loop parking, the warm
 * spare; all on the test's clock ({@link SupervisorHarness}), to the millisecond, without sleeping.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkerRestartTest
{
    @Test
    void shouldAnnounceAWorkerOnlyOnceItIsReady()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1))
        {
            harness.supervisor.launchAll();
            harness.executor.runDue();
            assertEquals("STARTING", harness.state(0));
            harness.executor.advanceMs(1_000);
            assertEquals(List.of(), harness.listened, "announced before READY");

            harness.ready(0);
            assertEquals(List.of("ready 0"), harness.listened);
            assertEquals("READY", harness.state(0));
            assertEquals("SPARE", harness.state(1));
            assertEquals(1, harness.status(0).starts());
        }
    }

    @Test
    void shouldReportTheJdkUptimeAndRestartsOfAWorkerForOperators()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1))
        {
            harness.supervisor.launchAll();
            harness.executor.runDue();
            assertNull(harness.status(0).jdk(), "no JDK before the worker said which");
            assertEquals(-1, harness.status(0).uptimeS());

            harness.ready(0);
            harness.runMs(3_000);
            assertEquals(Runtime.version().feature(), Integer.parseInt(harness.status(0).jdk().split("\\.")[0]),
                harness.status(0).jdk());
            assertEquals(3, harness.status(0).uptimeS());
            assertEquals(0, harness.status(0).restarts());

            harness.exit(0, 1);
            assertNull(harness.status(0).jdk());
            assertEquals(-1, harness.status(0).uptimeS());
            assertEquals(1, harness.status(0).restarts(), "a serving worker that exited unasked, started again");
            assertEquals(-1, harness.status(0).rssBytes(), "read by WorkerSupervisor.status(), not the snapshot");
        }
    }

    @Test
    void shouldKillAWorkerNotReadyWithinTheReadyTimeoutAndStartAnother()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1);
             LogCapture log = LogCapture.of(WorkerLauncher.class))
        {
            harness.supervisor.launchAll();
            harness.executor.runDue();
            final FakeWorker slow = harness.worker(0);

            harness.executor.advanceMs(SupervisorHarness.READY_TIMEOUT_MS);
            assertTrue(slow.isAlive(), "killed at the deadline, not after it");
            harness.executor.advanceMs(TimeUnit.NANOSECONDS.toMillis(WorkerLauncher.READY_POLL_NS));
            assertTrue(slow.wasKilled(), "alive past the ready timeout");
            assertTrue(log.contains("worker slot 0 (pid " + slow.pid() + ") not READY in 10000 ms: killing it"),
                log.messages().toString());

            // a death before READY: started again after the first backoff delay
            assertEquals("BACKOFF", harness.state(0));
            harness.executor.advanceMs(100);
            assertEquals(2, harness.processes.workers().size());
            assertEquals(1, harness.status(0).deathsBeforeReady());
        }
    }

    @Test
    void shouldDoubleTheRestartDelayWhileWorkersDieYoungAndParkACrashLoop()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1);
             LogCapture log = LogCapture.of(WorkerLifecycle.class))
        {
            harness.startAll();
            harness.exit(0, 1);
            assertEquals(List.of("ready 0", "lost 0"), harness.listened);
            assertTrue(log.contains("worker slot 0 (pid 100001) exited with status 1; restarting in 100 ms"),
                log.messages().toString());

            // died young (READY, but not for long): 100 ms, then 200, 400 while the next ones die before READY
            final long[] delaysMs = {100, 200, 400};
            for (int death = 0; death < delaysMs.length; death++)
            {
                final int startsBefore = harness.processes.workers().size();
                assertEquals("BACKOFF", harness.state(0));
                assertEquals(delaysMs[death], harness.status(0).nextStartInMs());
                harness.executor.advanceMs(delaysMs[death] - 1);
                assertEquals(startsBefore, harness.processes.workers().size(), "started before its delay");
                harness.executor.advanceMs(1);
                assertEquals(startsBefore + 1, harness.processes.workers().size(), "not started after its delay");
                assertEquals("STARTING", harness.state(0));
                harness.exit(0, 3);
            }

            // the third death before READY within the window: parked for a minute
            assertEquals("PARKED", harness.state(0));
            assertEquals(3, harness.status(0).deathsBeforeReady());
            assertEquals(3, harness.status(0).lastExitStatus());
            assertEquals(60_000, harness.status(0).nextStartInMs());
            assertTrue(log.any(event -> event.getLevel() == Level.ERROR &&
                event.getFormattedMessage().contains("worker slot 0 is crash-looping: 3 workers exited before READY")),
                log.messages().toString());

            harness.executor.advanceMs(59_999);
            assertEquals(4, harness.processes.workers().size(), "started while parked");
            assertEquals(1, harness.status(0).nextStartInMs());
            harness.executor.advanceMs(1);
            assertEquals(5, harness.processes.workers().size(), "not started after the park");
            harness.ready(0);
            assertEquals("READY", harness.state(0));
            assertEquals(0, harness.status(0).deathsBeforeReady());
        }
    }

    @Test
    void shouldRestartAfterTheMinimumDelayAWorkerThatLivedLong()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1))
        {
            harness.startAll();
            harness.exit(0, 1);
            harness.executor.advanceMs(100);
            harness.ready(0);
            harness.exit(0, 1);
            assertEquals(200, harness.status(0).nextStartInMs(), "a second young death doubles the delay");
            harness.executor.advanceMs(200);
            harness.ready(0);

            // it lives past the young period (10 s), beating all along
            harness.runMs(10_000);
            assertEquals("READY", harness.state(0), "a beating worker was killed");
            harness.exit(0, 1);
            assertEquals(100, harness.status(0).nextStartInMs(), "a long life resets the delay");
        }
    }

    @Test
    void shouldStartAParkedSlotAtOnceOnAnOperatorsRestart()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1))
        {
            harness.startAll();
            harness.exit(0, 1);
            for (final long delayMs : new long[] {100, 200, 400})
            {
                harness.executor.advanceMs(delayMs);
                harness.exit(0, 3);
            }
            assertEquals("PARKED", harness.state(0));
            final int starts = harness.processes.workers().size();

            assertTrue(harness.supervisor.restartAll());
            harness.executor.runDue();
            assertEquals(starts + 1, harness.processes.workers().size(), "the parked slot waits on");
            assertEquals("STARTING", harness.state(0));
            harness.ready(0);
            assertEquals("READY", harness.state(0));
            assertFalse(harness.supervisor.isRollingRestart(), "nothing else to restart");
        }
    }

    @Test
    void shouldBackOffWhenAWorkerCannotBeStartedAtAll()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1);
             LogCapture log = LogCapture.of(WorkerLauncher.class))
        {
            harness.processes.failNextStarts(1);
            harness.supervisor.launchAll();
            harness.executor.runDue();
            assertTrue(log.contains("cannot start a worker in slot 0: fake: cannot run /opt/java/bin/java"),
                log.messages().toString());
            assertEquals("BACKOFF", harness.state(0));
            assertEquals(List.of(), harness.listened, "a worker never started was announced lost");

            harness.executor.advanceMs(100);
            assertEquals(1, harness.processes.workers().size());
            harness.ready(0);
            assertEquals(List.of("ready 0"), harness.listened);
        }
    }

    @Test
    void shouldHandADeadWorkersSlotToTheWarmSpareAndStartAnotherSpareBehindIt() throws Exception
    {
        try (SupervisorHarness harness = new SupervisorHarness(2))
        {
            // start() blocks until every worker is READY: on its own thread while this one plays the workers
            final CompletableFuture<Void> started = startOnAnotherThread(harness);
            harness.ready(0);
            harness.ready(1);
            started.get(20, TimeUnit.SECONDS);
            harness.executor.runDue();
            assertEquals(1, harness.processes.spares().size(), "no spare started once the workers were READY");
            final FakeWorker spare = harness.processes.spares().getFirst();

            harness.exit(0, 1);
            harness.executor.advanceMs(100);
            assertEquals(spare.pid(), harness.supervisor.pid(0), "the spare did not take the slot");
            assertEquals("0\n", spare.stdin(), "the spare was not told its slot");
            assertEquals(2, harness.processes.workers().size(), "a JVM was started besides the spare");

            harness.executor.advanceMs(TimeUnit.NANOSECONDS.toMillis(WorkerLauncher.SPARE_REPLENISH_DELAY_NS) - 1);
            assertEquals(1, harness.processes.spares().size(), "the next spare started too early");
            harness.executor.advanceMs(1);
            assertEquals(2, harness.processes.spares().size(), "no spare started behind the one taken");
            assertNotEquals(-1, harness.supervisor.spareAgeMs());
        }
    }

    @Test
    void shouldFailToStartNamingTheSlotsNotReadyAtTheReadyTimeout() throws Exception
    {
        try (SupervisorHarness harness = new SupervisorHarness(2))
        {
            final CompletableFuture<Void> started = startOnAnotherThread(harness);
            harness.ready(1);
            harness.runMs(SupervisorHarness.READY_TIMEOUT_MS + 10);
            final Exception failure = assertThrows(Exception.class, () -> started.get(20, TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof IllegalStateException, failure.toString());
            assertTrue(failure.getCause().getMessage().startsWith("workers in slots 0 not READY after 10 s"),
                failure.getCause().getMessage());
        }
    }

    /**
     * Calls {@code start()} on a thread of its own and runs the supervisor's tasks on this one until every worker
     * was started.
     */
    private static CompletableFuture<Void> startOnAnotherThread(final SupervisorHarness harness)
    {
        final CompletableFuture<Void> started = new CompletableFuture<>();
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
        while (harness.processes.workers().size() < harness.supervisor.workerCount())
        {
            harness.executor.runDue();
            if (Thread.interrupted() || started.isDone())
            {
                throw new AssertionError("start() ended or the test timed out before every worker was started: " +
                    started);
            }
            Thread.yield();
        }
        return started;
    }
}
