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
 * Heartbeats, rogue workers and recycling on the test's clock ({@link SupervisorHarness}): a hung worker is
 * killed after the heartbeat timeout and not before; a worker that served enough is replaced, and not again
 * before its backoff when its replacement failed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkerHealthCheckTest
{
    private static final long CHECK_PERIOD_MS =
        SupervisorHarness.HEARTBEAT_TIMEOUT_MS / WorkerHealthCheck.HEARTBEAT_CHECKS_PER_TIMEOUT;
    private static final long RECYCLE_CHECK_MS = TimeUnit.NANOSECONDS.toMillis(WorkerHealthCheck.RECYCLE_CHECK_NS);

    @Test
    void shouldKillAWorkerWhoseHeartbeatStoppedAfterTheTimeoutAndNotBefore()
    {
        try (SupervisorHarness harness = new SupervisorHarness(2);
             LogCapture log = LogCapture.of(WorkerHealthCheck.class))
        {
            harness.startAll();
            // beating workers live through many timeouts
            harness.runMs(10 * SupervisorHarness.HEARTBEAT_TIMEOUT_MS);
            assertEquals(List.of("ready 0", "ready 1"), harness.listened);

            final FakeWorker hung = harness.worker(0);
            harness.hang(0);
            harness.runMs(SupervisorHarness.HEARTBEAT_TIMEOUT_MS);
            assertTrue(hung.isAlive(), "killed before its heartbeat timeout");
            // found at the first check past the timeout: within one check period
            harness.runMs(CHECK_PERIOD_MS);
            assertTrue(hung.wasKilled(), "alive one check period past its heartbeat timeout");
            assertTrue(harness.worker(1).isAlive(), "the beating worker was killed too");
            assertEquals(List.of("ready 0", "ready 1", "lost 0"), harness.listened);
            assertTrue(log.contains("worker slot 0 (pid " + hung.pid() + ") missed its heartbeat for"),
                log.messages().toString());
            assertTrue(log.contains("(timeout 2000 ms): killing it"), log.messages().toString());

            // and replaced as any dead worker
            harness.executor.advanceMs(100);
            harness.ready(0);
            assertEquals("READY", harness.state(0));
        }
    }

    @Test
    void shouldKillACondemnedWorkerButNotItsSuccessor()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1);
             LogCapture log = LogCapture.of(WorkerHealthCheck.class))
        {
            harness.startAll();
            final FakeWorker rogue = harness.worker(0);
            harness.supervisor.condemn(0, rogue.pid(), "frame length out of bounds");
            harness.executor.runDue();
            assertTrue(rogue.wasKilled());
            assertTrue(log.contains("worker 0 (pid " + rogue.pid() + ") is rogue: frame length out of bounds; killing it"),
                log.messages().toString());

            harness.executor.advanceMs(100);
            harness.ready(0);
            final FakeWorker successor = harness.worker(0);
            // found on the old worker, reported after it was replaced: the pid is no longer the slot's
            harness.supervisor.condemn(0, rogue.pid(), "late report");
            harness.executor.runDue();
            assertTrue(successor.isAlive(), "the successor was killed for its predecessor's fault");
        }
    }

    @Test
    void shouldKillAWorkerThatSetsItsHeartbeatIntoTheFuture()
    {
        try (SupervisorHarness harness = new SupervisorHarness(1))
        {
            harness.startAll();
            final FakeWorker rogue = harness.worker(0);
            harness.hang(0);
            // a heartbeat an hour ahead would otherwise hide a hang for an hour
            harness.segmentSlots.heartbeat(0, harness.executor.nanoTime() + TimeUnit.HOURS.toNanos(1));
            harness.executor.advanceMs(CHECK_PERIOD_MS);
            assertTrue(rogue.wasKilled(), "a worker lying about its heartbeat lives on");
        }
    }

    @Test
    void shouldRecycleAWorkerThatServedEnoughWithoutAGap()
    {
        try (SupervisorHarness harness = new SupervisorHarness(2, SupervisorHarness.RESTART, new RecyclePolicy(1_000, 0)))
        {
            harness.startAll();
            harness.requests[0] = 999;
            harness.runMs(10 * RECYCLE_CHECK_MS);
            assertEquals(2, harness.processes.workers().size(), "recycled below the limit");

            harness.requests[0] = 1_000;
            harness.runMs(RECYCLE_CHECK_MS);
            assertEquals(3, harness.processes.workers().size(), "not recycled at the limit");
            assertEquals("STARTING", harness.state(2));
            assertEquals("READY", harness.state(0), "the old worker stops serving before the new one is READY");

            // a request still open on the old worker holds its drain
            harness.openChannels[0] = 1;
            final FakeWorker old = harness.worker(0);
            harness.ready(2);
            assertEquals(List.of("ready 0", "ready 1", "ready 2", "draining 0"), harness.listened,
                "the new worker must be announced before the old one drains");
            assertEquals("DRAINING", harness.state(0));
            harness.runMs(1_000);
            assertEquals(0, old.sigterms(), "stopped with a channel open");

            harness.openChannels[0] = 0;
            harness.executor.advanceMs(TimeUnit.NANOSECONDS.toMillis(WorkerReplacement.DRAIN_POLL_NS));
            assertEquals(1, old.sigterms(), "not stopped once drained");
            assertFalse(old.isAlive());
            assertEquals("SPARE", harness.state(0));
            assertEquals(List.of("ready 0", "ready 1", "ready 2", "draining 0", "lost 0"), harness.listened);
        }
    }

    @Test
    void shouldNotRecycleAgainBeforeTheBackoffWhenTheReplacementFailedToStart()
    {
        final RestartPolicy restart = new RestartPolicy(1_000, 4_000, 10_000, 3, 60_000, 60_000);
        try (SupervisorHarness harness = new SupervisorHarness(1, restart, new RecyclePolicy(1_000, 0));
             LogCapture log = LogCapture.of(WorkerReplacement.class))
        {
            harness.startAll();
            harness.requests[0] = 1_000;
            harness.runMs(RECYCLE_CHECK_MS);
            assertEquals("STARTING", harness.state(1));
            harness.exit(1, 3);
            assertEquals("READY", harness.state(0), "the old worker stopped serving");
            assertTrue(log.contains("to replace slot 0 exited with status 3 before READY; slot 0 keeps serving; " +
                "next try in 1000 ms"), log.messages().toString());

            harness.runMs(1_000 - 1);
            assertEquals(2, harness.processes.workers().size(), "recycled again within the backoff");
            harness.runMs(1 + RECYCLE_CHECK_MS);
            assertEquals(3, harness.processes.workers().size(), "not recycled again after the backoff");
        }
    }
}
