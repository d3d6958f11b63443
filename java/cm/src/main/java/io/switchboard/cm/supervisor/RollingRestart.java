package io.switchboard.cm.supervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replaces every worker, one at a time, each new one READY before its predecessor drains
 * ({@link WorkerReplacement}); starts parked and backing-off slots at once. A replacement that fails to start
 * abandons the restart: the workers not yet replaced keep serving.
 * <p>
 * The warm spare JVM ({@link SpareWorker}) is replaced first: it loaded its applications when it started, so a spare
 * from before the restart (before an application's jar was replaced, typically) would bring the old code back
 * the next time a worker dies, or as the restart's own first replacement.
 * <p>
 * {@link #request()} and {@link #isRunning()} from any thread; the rest on the supervisor's thread.
 */
final class RollingRestart
{
    private static final Logger LOG = LoggerFactory.getLogger(RollingRestart.class);

    private final SupervisorContext context;
    private final WorkerLauncher launcher;
    private final WorkerReplacement replacement;
    private final SpareWorker spare;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Slots still to replace, in order; null when no restart runs. */
    private ArrayDeque<Integer> pending;
    private long requestedNs;
    private int replaced;

    RollingRestart(
        final SupervisorContext context,
        final WorkerLauncher launcher,
        final WorkerReplacement replacement,
        final SpareWorker spare)
    {
        this.context = context;
        this.launcher = launcher;
        this.replacement = replacement;
        this.spare = spare;
    }

    /**
     * Any thread.
     *
     * @return false if a rolling restart is already running (or the CM is stopping).
     */
    boolean request()
    {
        if (context.stopping || !running.compareAndSet(false, true))
        {
            return false;
        }
        if (!context.executor.execute(this::begin))
        {
            running.set(false);
            return false;
        }
        return true;
    }

    /**
     * Any thread.
     */
    boolean isRunning()
    {
        return running.get();
    }

    /**
     * A worker was replaced (its old one drained, or it took the place of one that died): on to the next.
     */
    void onWorkerReplaced()
    {
        if (pending != null)
        {
            replaced++;
            next();
        }
    }

    /**
     * A replacement failed to start: the application cannot start now; the rest keep their workers.
     */
    void abandon()
    {
        if (pending != null)
        {
            LOG.warn("rolling restart abandoned after {} workers replaced: a replacement did not start", replaced);
            pending = null;
            running.set(false);
        }
    }

    private void begin()
    {
        requestedNs = context.clock.nanoTime();
        replaced = 0;
        final Process retired = spare.renew();
        if (retired != null)
        {
            LOG.info("rolling restart: the spare worker (pid {}) predates it and is replaced by a new one",
                retired.pid());
            context.executor.schedule(() ->
            {
                if (retired.isAlive())
                {
                    LOG.warn("the retired spare worker (pid {}) did not exit within {} ms of its input closing: " +
                        "killing it", retired.pid(), TimeUnit.NANOSECONDS.toMillis(context.settings.stopGraceNs()));
                    retired.destroyForcibly();
                }
            }, context.settings.stopGraceNs());
        }
        pending = new ArrayDeque<>();
        for (final SupervisedSlot slot : context.slots)
        {
            if (slot.role != SupervisedSlot.Role.SERVING)
            {
                continue;
            }
            slot.backoff.reset();
            if (slot.process == null && slot.pendingStart != null)
            {
                // waiting out a backoff or parked: an operator's restart starts it now
                slot.pendingStart.cancel(false);
                slot.crashLoopReport = null;
                LOG.info("worker slot {} was waiting to restart: starting it now", slot.index);
                launcher.launch(slot);
            }
            else if (slot.process != null)
            {
                pending.add(slot.index);
            }
        }
        LOG.info("rolling restart of {} workers", pending.size());
        next();
    }

    private void next()
    {
        if (context.stopping || pending == null)
        {
            return;
        }
        if (replacement.isReplacing())
        {
            // a recycling started before this restart is still under way
            context.executor.schedule(this::next, WorkerReplacement.DRAIN_POLL_NS);
            return;
        }
        while (!pending.isEmpty())
        {
            final SupervisedSlot slot = context.slots[pending.poll()];
            // a worker started since the restart was asked for is new already (one started at the same instant
            // was started before: on this thread, and the restart's own starts are not pending)
            final boolean current = slot.role == SupervisedSlot.Role.SERVING && slot.process != null &&
                slot.startedAtNs - requestedNs <= 0;
            if (current && slot.ready && replacement.start(slot))
            {
                return;
            }
            if (current && !slot.ready)
            {
                // still starting (a restart after a death): look again once it is READY or gone
                pending.addFirst(slot.index);
                context.executor.schedule(this::next, WorkerReplacement.DRAIN_POLL_NS);
                return;
            }
        }
        LOG.info("rolling restart done: {} workers replaced", replaced);
        pending = null;
        running.set(false);
    }
}
