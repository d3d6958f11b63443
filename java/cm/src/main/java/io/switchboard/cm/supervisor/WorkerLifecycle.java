package io.switchboard.cm.supervisor;

import io.switchboard.ipc.segment.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows when a worker becomes READY or exits. READY: the listener is told and the worker takes requests
 * (a replacement's predecessor then drains). Exit: the slot is reclaimed in the segment and the listener told,
 * then, by the slot's role, a drained worker's slot becomes the spare, a failed replacement leaves its
 * predecessor serving, and a serving worker is started again after a delay that backs off while its workers die
 * young; a slot whose workers keep dying before READY is reported as crash-looping and parked
 * ({@link RestartPolicy}).
 * <p>
 * Not thread-safe: the supervisor's thread.
 */
final class WorkerLifecycle implements WorkerEvents
{
    private static final Logger LOG = LoggerFactory.getLogger(WorkerLifecycle.class);

    private final SupervisorContext context;
    private final WorkerLauncher launcher;
    private final WorkerReplacement replacement;
    private final RollingRestart rolling;

    WorkerLifecycle(
        final SupervisorContext context,
        final WorkerLauncher launcher,
        final WorkerReplacement replacement,
        final RollingRestart rolling)
    {
        this.context = context;
        this.launcher = launcher;
        this.replacement = replacement;
        this.rolling = rolling;
    }

    @Override
    public void onReady(final SupervisedSlot slot, final Process process)
    {
        slot.backoff.onReady();
        slot.crashLoopReport = null;
        if (slot.role == SupervisedSlot.Role.REPLACEMENT)
        {
            final SupervisedSlot old = replacement.onReady(slot, process);
            announce(slot, process);
            replacement.beginDrain(old);
            return;
        }
        announce(slot, process);
        LOG.info("worker slot {} (pid {}) is READY on Java {}", slot.index, process.pid(), slot.runtimeVersion);
    }

    @Override
    public void onExit(final SupervisedSlot slot, final long pid, final int exitStatus)
    {
        final boolean wasReady = slot.ready;
        slot.process = null;
        slot.ready = false;
        slot.lastPid = pid;
        slot.lastExitStatus = exitStatus;
        final WorkerState previous = context.segmentSlots.state(slot.index);
        context.segmentSlots.setState(slot.index, WorkerState.DEAD);
        // from the CM's own record first: a rogue may have rewritten the state word before dying
        if (slot.announced || previous == WorkerState.READY || previous == WorkerState.DRAINING)
        {
            slot.announced = false;
            context.listener.onWorkerLost(slot.index, pid);
        }
        context.segmentSlots.setState(slot.index, WorkerState.FREE);

        if (context.stopping)
        {
            return;
        }

        switch (slot.role)
        {
            case DRAINING ->
            {
                replacement.afterDrained(slot, pid, exitStatus);
                rolling.onWorkerReplaced();
            }
            case REPLACEMENT ->
            {
                replacement.afterFailed(slot, pid, exitStatus);
                rolling.abandon();
            }
            case SERVING -> afterServingDeath(slot, pid, exitStatus, wasReady);
            case SPARE ->
            {
                // a worker we had given up on (a claim that failed): nothing was waiting for it
            }
        }
    }

    private void announce(final SupervisedSlot slot, final Process process)
    {
        // published by the worker's READY CAS, which the launcher read with an acquire load
        slot.runtimeVersion = context.segmentSlots.runtimeVersion(slot.index);
        slot.readyAtNs = context.clock.nanoTime();
        context.listener.onWorkerReady(slot.index, process.pid());
        slot.announced = true;
        slot.ready = true;
    }

    private void afterServingDeath(final SupervisedSlot slot, final long pid, final int exitStatus, final boolean wasReady)
    {
        slot.restarts++;
        final String died = "worker slot " + slot.index + " (pid " + pid + ") exited with status " + exitStatus +
            (wasReady ? "" : " before READY");
        if (replacement.takeOver(slot, died))
        {
            rolling.onWorkerReplaced();
            return;
        }

        final long delayMs = slot.backoff.onDeath(context.clock.nanoTime(), slot.startedAtNs, !wasReady);
        if (slot.backoff.isCrashLooping())
        {
            final String report = "worker slot " + slot.index + " is crash-looping: " + slot.backoff.deathsBeforeReady() +
                " workers exited before READY within " + context.settings.restart().crashLoopWindowMs() +
                " ms, the last (pid " + pid + ") with status " + exitStatus + "; parked for " + delayMs +
                " ms (./switchboard restart-workers tries again at once); see the workers' output in the log " +
                "(logger " + WorkerOutputRelay.LOGGER_NAME + ")";
            slot.crashLoopReport = report;
            LOG.error(report);
        }
        else
        {
            LOG.warn("{}; restarting in {} ms", died, delayMs);
        }
        launcher.launchAfter(slot, delayMs);
    }
}
