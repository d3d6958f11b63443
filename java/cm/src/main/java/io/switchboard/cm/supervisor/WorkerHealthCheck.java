package io.switchboard.cm.supervisor;

import io.switchboard.ipc.segment.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The periodic checks of the workers that are up. Heartbeats: a worker whose heartbeat stopped (a poller stuck
 * in a handler, a stop-the-world pause longer than the timeout, a deadlock) is killed, and so is one that wrote
 * where it must not in its slot or the segment header ({@link WorkerSlotAudit}, {@link SegmentHeaderAudit}); its
 * exit then takes the usual path: channels reclaimed, requests failed, a replacement started. Recycling: a worker
 * that has served enough ({@link RecyclePolicy}) is replaced, one at a time, never during a rolling restart.
 * <p>
 * Not thread-safe: the supervisor's thread.
 */
final class WorkerHealthCheck
{
    /** How often workers are looked at for recycling: requests and RSS change slowly. */
    static final long RECYCLE_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The heartbeat check runs this many times per timeout, so a hung worker is found within 1.25 timeouts. */
    static final int HEARTBEAT_CHECKS_PER_TIMEOUT = 4;

    private static final Logger LOG = LoggerFactory.getLogger(WorkerHealthCheck.class);

    private final SupervisorContext context;
    private final WorkerSlotAudit audit;
    private final SegmentHeaderAudit headerAudit;
    private final WorkerReplacement replacement;
    private final RollingRestart rolling;

    WorkerHealthCheck(
        final SupervisorContext context,
        final WorkerSlotAudit audit,
        final SegmentHeaderAudit headerAudit,
        final WorkerReplacement replacement,
        final RollingRestart rolling)
    {
        this.context = context;
        this.audit = audit;
        this.headerAudit = headerAudit;
        this.replacement = replacement;
        this.rolling = rolling;
    }

    /**
     * Schedules the checks on the supervisor's thread, until it stops.
     */
    void schedule()
    {
        final long checkNs = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
            context.settings.heartbeatTimeoutNs() / HEARTBEAT_CHECKS_PER_TIMEOUT);
        context.executor.repeat(this::checkHeartbeats, checkNs);
        if (!context.settings.recycle().isOff())
        {
            context.executor.repeat(this::checkRecycling, RECYCLE_CHECK_NS);
        }
    }

    /**
     * Kills the slot's worker ({@code SIGKILL}: a rogue gets no grace) for {@code cause}; its exit takes the
     * usual path.
     */
    void kill(final int slot, final Process process, final String cause)
    {
        if (!process.isAlive())
        {
            return;
        }
        LOG.warn("worker {} (pid {}) is rogue: {}; killing it", slot, process.pid(), cause);
        process.destroyForcibly();
    }

    void checkHeartbeats()
    {
        final String header = headerAudit.checkAndRestore();
        if (header != null)
        {
            LOG.warn(header);
        }
        final long nowNs = context.clock.nanoTime();
        for (final SupervisedSlot slot : context.slots)
        {
            final Process process = slot.process;
            if (process == null || !slot.announced || !process.isAlive())
            {
                continue;
            }
            final String wrong = audit.check(slot.index);
            if (wrong != null)
            {
                kill(slot.index, process, wrong);
                continue;
            }
            final WorkerState state = context.segmentSlots.state(slot.index);
            if (state != WorkerState.READY && state != WorkerState.DRAINING)
            {
                continue;
            }
            final long ageNs = nowNs - context.segmentSlots.heartbeatNs(slot.index);
            if (ageNs > context.settings.heartbeatTimeoutNs())
            {
                LOG.warn("worker slot {} (pid {}) missed its heartbeat for {} ms (timeout {} ms): killing it",
                    slot.index, process.pid(), TimeUnit.NANOSECONDS.toMillis(ageNs),
                    TimeUnit.NANOSECONDS.toMillis(context.settings.heartbeatTimeoutNs()));
                process.destroyForcibly();
            }
        }
    }

    void checkRecycling()
    {
        if (context.stopping || rolling.isRunning() || replacement.isReplacing())
        {
            return;
        }
        final RecyclePolicy recycle = context.settings.recycle();
        final long nowNs = context.clock.nanoTime();
        for (final SupervisedSlot slot : context.slots)
        {
            final Process process = slot.process;
            if (slot.role != SupervisedSlot.Role.SERVING || !slot.ready || process == null ||
                nowNs - slot.replaceNotBeforeNs < 0)
            {
                continue;
            }
            final String reason = recycle.reason(context.load.requestsDispatched(slot.index),
                recycle.needsRss() ? ResidentMemory.rssBytes(process.pid()) : -1);
            if (reason != null)
            {
                LOG.info("recycling worker slot {} (pid {}): {}", slot.index, process.pid(), reason);
                replacement.start(slot);
                return;
            }
        }
    }
}
