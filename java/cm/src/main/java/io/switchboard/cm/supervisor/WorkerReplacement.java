package io.switchboard.cm.supervisor;

import io.switchboard.ipc.segment.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Replaces a healthy worker without failing a request: the new worker starts in the spare slot and, once READY,
 * takes requests; only then is the old one DRAINING (given nothing new), and once its open channels are closed
 * (or the drain timeout is up) it is stopped, SIGTERM then SIGKILL after the grace period, and its slot becomes
 * the spare. One replacement runs at a time.
 * <pre>
 *   old:  SERVING ------------------------------&gt; DRAINING --(no open channel)--&gt; stopped: SPARE
 *   new:  SPARE --&gt; REPLACEMENT (starting) --READY--&gt; SERVING
 * </pre>
 * Not thread-safe: the supervisor's thread.
 */
final class WorkerReplacement
{
    /** How often a draining worker's open channels are counted. */
    static final long DRAIN_POLL_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(WorkerReplacement.class);

    private final SupervisorContext context;
    private final WorkerLauncher launcher;

    WorkerReplacement(final SupervisorContext context, final WorkerLauncher launcher)
    {
        this.context = context;
        this.launcher = launcher;
    }

    /**
     * Starts a worker in the spare slot to take over from {@code old}.
     *
     * @return false if no slot is spare.
     */
    boolean start(final SupervisedSlot old)
    {
        for (final SupervisedSlot spare : context.slots)
        {
            if (spare.role == SupervisedSlot.Role.SPARE && spare.process == null)
            {
                spare.role = SupervisedSlot.Role.REPLACEMENT;
                spare.replacing = old.index;
                spare.java = old.java;
                launcher.launch(spare);
                return true;
            }
        }
        LOG.warn("no spare worker slot to replace slot {} in", old.index);
        return false;
    }

    /**
     * @return whether a replacement is under way: a worker starting to replace another, one draining, or one
     * stopping after its drain.
     */
    boolean isReplacing()
    {
        for (final SupervisedSlot slot : context.slots)
        {
            if (slot.role == SupervisedSlot.Role.REPLACEMENT || slot.role == SupervisedSlot.Role.DRAINING ||
                (slot.role == SupervisedSlot.Role.SPARE && slot.process != null))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The replacement in {@code slot} is READY: it serves from now on.
     *
     * @return the slot it replaces, to be drained once the listener knows the new worker.
     */
    SupervisedSlot onReady(final SupervisedSlot slot, final Process process)
    {
        final SupervisedSlot old = context.slots[slot.replacing];
        slot.role = SupervisedSlot.Role.SERVING;
        slot.replacing = -1;
        LOG.info("worker slot {} (pid {}) is READY on Java {}; draining the worker it replaces in slot {} (pid {})",
            slot.index, process.pid(), context.segmentSlots.runtimeVersion(slot.index), old.index,
            SupervisorContext.pidOf(old));
        return old;
    }

    /**
     * The worker replacing {@code dead} was starting when {@code dead} died: it takes its place, nothing is
     * restarted in the dead worker's slot.
     *
     * @return whether there was such a replacement.
     */
    boolean takeOver(final SupervisedSlot dead, final String died)
    {
        for (final SupervisedSlot other : context.slots)
        {
            if (other.role == SupervisedSlot.Role.REPLACEMENT && other.replacing == dead.index)
            {
                other.role = SupervisedSlot.Role.SERVING;
                other.replacing = -1;
                dead.role = SupervisedSlot.Role.SPARE;
                LOG.warn("{}; its replacement starting in slot {} takes its place", died, other.index);
                return true;
            }
        }
        return false;
    }

    /**
     * The old worker gets nothing new from now on; it is stopped once its open channels are closed.
     */
    void beginDrain(final SupervisedSlot old)
    {
        final Process process = old.process;
        if (old.role != SupervisedSlot.Role.SERVING || process == null)
        {
            return;
        }
        old.role = SupervisedSlot.Role.DRAINING;
        context.segmentSlots.setState(old.index, WorkerState.DRAINING);
        context.listener.onWorkerDraining(old.index, process.pid());
        checkDrained(old, process, context.clock.nanoTime() + context.settings.drainTimeoutNs());
    }

    /**
     * The drained worker exited: its slot is the spare now.
     */
    void afterDrained(final SupervisedSlot slot, final long pid, final int exitStatus)
    {
        slot.role = SupervisedSlot.Role.SPARE;
        LOG.info("worker slot {} (pid {}) drained and stopped (status {})", slot.index, pid, exitStatus);
    }

    /**
     * The replacement in {@code slot} exited before READY: the worker it was to replace keeps serving, and is
     * not replaced again before its backoff delay (the same application failing to start counts against it).
     */
    void afterFailed(final SupervisedSlot slot, final long pid, final int exitStatus)
    {
        final SupervisedSlot old = context.slots[slot.replacing];
        slot.role = SupervisedSlot.Role.SPARE;
        slot.replacing = -1;
        final long nowNs = context.clock.nanoTime();
        final long delayMs = old.backoff.onDeath(nowNs, slot.startedAtNs, true);
        old.replaceNotBeforeNs = nowNs + TimeUnit.MILLISECONDS.toNanos(delayMs);
        LOG.warn("the worker started in slot {} (pid {}) to replace slot {} exited with status {} before READY; " +
            "slot {} keeps serving; next try in {} ms{}", slot.index, pid, old.index, exitStatus, old.index, delayMs,
            old.backoff.isCrashLooping() ? "; its workers crash-loop: " + old.backoff.deathsBeforeReady() +
                " died before READY within " + context.settings.restart().crashLoopWindowMs() + " ms" : "");
    }

    private void checkDrained(final SupervisedSlot old, final Process process, final long deadlineNs)
    {
        if (old.process != process)
        {
            return;
        }
        final int open = context.load.openChannels(old.index);
        if (open > 0 && context.clock.nanoTime() - deadlineNs < 0)
        {
            context.executor.schedule(() -> checkDrained(old, process, deadlineNs), DRAIN_POLL_NS);
            return;
        }
        if (open > 0)
        {
            LOG.warn("worker slot {} (pid {}) still has {} open channels after {} ms of draining: stopping it",
                old.index, process.pid(), open, TimeUnit.NANOSECONDS.toMillis(context.settings.drainTimeoutNs()));
        }
        stop(old, process);
    }

    /**
     * SIGTERM, then SIGKILL after the grace period if it is still there.
     */
    private void stop(final SupervisedSlot slot, final Process process)
    {
        SupervisorContext.terminate(process);
        context.executor.schedule(() ->
        {
            if (process.isAlive())
            {
                LOG.warn("worker slot {} (pid {}) ignored SIGTERM for {} ms: killing it", slot.index, process.pid(),
                    TimeUnit.NANOSECONDS.toMillis(context.settings.stopGraceNs()));
                process.destroyForcibly();
            }
        }, context.settings.stopGraceNs());
    }
}
