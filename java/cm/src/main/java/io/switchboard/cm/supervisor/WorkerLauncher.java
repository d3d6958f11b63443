package io.switchboard.cm.supervisor;

import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the worker of a slot: hands it the spare JVM if one is warm, else starts a JVM; claims the slot in the
 * segment for it; watches until it is READY (killing it if that takes longer than the ready timeout) and reports
 * READY and exit to its {@link WorkerEvents}. Starts after a delay too, for restarts that back off.
 * <p>
 * Not thread-safe: the supervisor's thread.
 */
final class WorkerLauncher
{
    /** How often a starting worker's state in the segment is read. */
    static final long READY_POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);
    /** A spare started right behind the one just taken would slow down the taken one's first requests. */
    static final long SPARE_REPLENISH_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final Logger LOG = LoggerFactory.getLogger(WorkerLauncher.class);

    private final SupervisorContext context;
    private final WorkerLaunch launch;
    private final String segmentName;
    private final SpareWorker spare;
    private final WorkerProcesses processes;
    private final WorkerSlotAudit audit;
    private WorkerEvents events;

    WorkerLauncher(
        final SupervisorContext context,
        final WorkerLaunch launch,
        final String segmentName,
        final SpareWorker spare,
        final WorkerProcesses processes,
        final WorkerSlotAudit audit)
    {
        this.context = context;
        this.launch = launch;
        this.segmentName = segmentName;
        this.spare = spare;
        this.processes = processes;
        this.audit = audit;
    }

    /**
     * Whom to report to; set once, before the first launch (the handler of the events launches workers itself).
     */
    void events(final WorkerEvents events)
    {
        this.events = events;
    }

    /**
     * Starts the slot's worker now.
     */
    void launch(final SupervisedSlot slot)
    {
        assert slot.java < launch.javas().size() : slot.java;
        slot.pendingStart = null;
        if (context.stopping)
        {
            return;
        }

        final long nowNs = context.clock.nanoTime();
        slot.startedAtNs = nowNs;
        slot.replaceNotBeforeNs = nowNs;
        slot.ready = false;
        slot.starts++;
        final Process process = startWorker(slot);
        if (process == null)
        {
            return;
        }

        slot.process = process;
        process.onExit().thenRun(() -> context.executor.execute(() -> onExit(slot, process)));
        final ProcessIdentity identity;
        try
        {
            identity = processes.identify(process);
        }
        catch (final NativeCallException ex)
        {
            // died before we could even look at it: onExit handles it
            return;
        }

        if (!context.segmentSlots.claim(slot.index, identity, nowNs))
        {
            LOG.error("worker slot {} is {}, not FREE: killing the worker just started in it (pid {})",
                slot.index, context.segmentSlots.state(slot.index), process.pid());
            process.destroyForcibly();
            return;
        }
        audit.onClaimed(slot.index);
        watchReady(slot, process, nowNs + context.settings.readyTimeoutNs());
    }

    /**
     * Starts the slot's worker {@code delayMs} from now; until then the slot shows BACKOFF (or PARKED).
     */
    void launchAfter(final SupervisedSlot slot, final long delayMs)
    {
        if (context.stopping)
        {
            return;
        }
        final long delayNs = TimeUnit.MILLISECONDS.toNanos(delayMs);
        slot.pendingStartAtNs = context.clock.nanoTime() + delayNs;
        slot.pendingStart = context.executor.schedule(() -> launch(slot), delayNs);
    }

    /**
     * The slot's new worker: the spare if there is one (READY in milliseconds), else a JVM started now.
     *
     * @return the process, or null if none could be started (the slot's death was reported).
     */
    private Process startWorker(final SupervisedSlot slot)
    {
        // the spare runs the first JDK: a worker of another one starts cold
        final Process taken = slot.java == 0 ? spare.take(slot.index) : null;
        if (taken != null)
        {
            context.executor.schedule(spare::replenish, SPARE_REPLENISH_DELAY_NS);
            return taken;
        }
        final List<String> command = launch.command(segmentName, slot.index, slot.java);
        try
        {
            return processes.start(command, new WorkerOutputTag(slot.index));
        }
        catch (final IOException ex)
        {
            LOG.error("cannot start a worker in slot {}: {} (command: {})", slot.index, ex.getMessage(), command.get(0));
            events.onExit(slot, -1, -1);
            return null;
        }
    }

    private void watchReady(final SupervisedSlot slot, final Process process, final long deadlineNs)
    {
        if (slot.process != process || !process.isAlive())
        {
            return;
        }
        if (context.segmentSlots.state(slot.index) == WorkerState.READY)
        {
            events.onReady(slot, process);
            return;
        }
        if (context.clock.nanoTime() - deadlineNs > 0)
        {
            LOG.warn("worker slot {} (pid {}) not READY in {} ms: killing it", slot.index, process.pid(),
                TimeUnit.NANOSECONDS.toMillis(context.settings.readyTimeoutNs()));
            process.destroyForcibly();
            return;
        }
        context.executor.schedule(() -> watchReady(slot, process, deadlineNs), READY_POLL_NS);
    }

    private void onExit(final SupervisedSlot slot, final Process process)
    {
        if (slot.process != process)
        {
            return;
        }
        events.onExit(slot, process.pid(), process.exitValue());
    }
}
