package io.switchboard.cm.supervisor;

import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts the worker JVMs of an instance, restarts those that die or hang,
 * replaces healthy ones on request (rolling restart) or when they have served
 * enough (recycling), and stops them all when the CM stops. The public face of
 * the parts that do each:
 * <ul>
 *     <li>{@link WorkerLauncher}: starting a slot's worker (the warm spare JVM, {@link SpareWorker}, if there is
 *     one), watching it become READY;</li>
 *     <li>{@link WorkerLifecycle}: what follows READY and exit: announcing, restarting with backoff, parking a
 *     slot that crash-loops;</li>
 *     <li>{@link WorkerReplacement}: replacing a healthy worker without failing a request, draining the old;</li>
 *     <li>{@link RollingRestart}: replacing every worker, one at a time;</li>
 *     <li>{@link WorkerHealthCheck}: heartbeats, audits of what workers wrote, recycling;</li>
 *     <li>{@link StatusSnapshot}: the slots for operators.</li>
 * </ul>
 * Death is seen at once: the JDK's process reaper completes {@link Process#onExit()}.
 * A hung worker is seen by its heartbeat in the segment. Every worker's output goes
 * to the CM's log ({@link WorkerOutputRelay}).
 * <p>
 * Every transition happens on one thread ({@link SupervisorExecutor}), so the slots have a single writer on the
 * CM's side; public methods hand their work to that thread. Time is read from a {@link NanoClock}, so the
 * timing of all of it is tested on a clock the test moves.
 */
public final class WorkerSupervisor implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSupervisor.class);
    private static final long START_POLL_MS = 5;
    private static final long STATUS_TIMEOUT_S = 5;

    private final SupervisorContext context;
    private final SpareWorker spare;
    private final WorkerLauncher launcher;
    private final RollingRestart rolling;
    private final WorkerHealthCheck health;
    private final int javaCount;

    /**
     * @param load what the dispatcher knows of each slot: open channels (to drain) and requests (to recycle).
     */
    public WorkerSupervisor(
        final SharedSegment segment,
        final WorkerLaunch launch,
        final WorkerListener listener,
        final WorkerLoad load,
        final SupervisorSettings settings)
    {
        this(segment, launch, listener, load, settings, new JvmWorkerProcesses(), NanoClock.SYSTEM,
            new ThreadSupervisorExecutor());
    }

    /**
     * With the processes, the clock and the thread chosen by the caller: a test's.
     */
    WorkerSupervisor(
        final SharedSegment segment,
        final WorkerLaunch launch,
        final WorkerListener listener,
        final WorkerLoad load,
        final SupervisorSettings settings,
        final WorkerProcesses processes,
        final NanoClock clock,
        final SupervisorExecutor executor)
    {
        final int slotCount = segment.layout().workerSlotCount();
        if (settings.workerCount() > slotCount)
        {
            executor.close();
            throw new IllegalArgumentException("workerCount=" + settings.workerCount() + " workerSlotCount=" + slotCount);
        }

        final SupervisedSlot[] slots = new SupervisedSlot[slotCount];
        for (int slot = 0; slot < slotCount; slot++)
        {
            slots[slot] = new SupervisedSlot(slot, settings.restart());
        }
        final WorkerSlots segmentSlots = new WorkerSlots(segment);
        final WorkerSlotAudit audit = new WorkerSlotAudit(segmentSlots, slotCount, clock);
        this.context = new SupervisorContext(slots, segmentSlots, listener, load, settings, clock, executor);
        this.javaCount = launch.javas().size();
        this.spare = new SpareWorker(launch.spareCommand(segment.name()), processes, clock);
        this.launcher = new WorkerLauncher(context, launch, segment.name(), spare, processes, audit);
        final WorkerReplacement replacement = new WorkerReplacement(context, launcher);
        this.rolling = new RollingRestart(context, launcher, replacement, spare);
        launcher.events(new WorkerLifecycle(context, launcher, replacement, rolling));
        this.health = new WorkerHealthCheck(context, audit, new SegmentHeaderAudit(segment), replacement, rolling);
        health.schedule();
    }

    /**
     * Starts every worker and waits until all are READY.
     *
     * @throws IllegalStateException naming the slots that did not become READY in time, or one that crash-loops.
     */
    public void start()
    {
        final long deadlineNs = context.clock.nanoTime() + context.settings.readyTimeoutNs();
        launchAll();
        final int workerCount = context.settings.workerCount();
        while (true)
        {
            if (context.stopping)
            {
                throw new IllegalStateException("the supervisor was closed while its workers started");
            }
            final StringBuilder notReady = new StringBuilder();
            for (int slot = 0; slot < workerCount; slot++)
            {
                final String crashLoop = context.slots[slot].crashLoopReport;
                if (crashLoop != null)
                {
                    throw new IllegalStateException(crashLoop);
                }
                // the supervisor's view, not the segment's: READY there is not yet dispatched to
                if (!context.slots[slot].ready)
                {
                    notReady.append(notReady.isEmpty() ? "" : ", ").append(slot);
                }
            }
            if (notReady.isEmpty())
            {
                // only now: a spare starting with the first workers would slow them down
                context.executor.execute(spare::replenish);
                return;
            }
            if (context.clock.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("workers in slots " + notReady + " not READY after " +
                    TimeUnit.NANOSECONDS.toSeconds(context.settings.readyTimeoutNs()) +
                    " s; see their output in the log (logger " + WorkerOutputRelay.LOGGER_NAME + ")");
            }
            sleepMs(START_POLL_MS);
        }
    }

    /**
     * Hands the start of every worker to the supervisor's thread; {@link #start()} then waits for them.
     */
    void launchAll()
    {
        for (int slot = 0; slot < context.settings.workerCount(); slot++)
        {
            final SupervisedSlot supervised = context.slots[slot];
            final int java = slot % javaCount;
            context.executor.execute(() ->
            {
                supervised.role = SupervisedSlot.Role.SERVING;
                supervised.java = java;
                launcher.launch(supervised);
            });
        }
    }

    /**
     * Replaces every worker, one at a time, each new one READY before its predecessor
     * drains; starts parked and backing-off slots at once. Any thread.
     *
     * @return false if a rolling restart is already running (or the CM is stopping).
     */
    public boolean restartAll()
    {
        return rolling.request();
    }

    /**
     * @return whether a rolling restart is running.
     */
    public boolean isRollingRestart()
    {
        return rolling.isRunning();
    }

    /**
     * @return a snapshot of every slot, taken on the supervisor's thread, with each worker's resident memory read
     * from {@code /proc} on the calling thread (so a scrape costs the supervisor nothing but the snapshot); empty if
     * the supervisor is stopped.
     */
    public List<WorkerStatus> status()
    {
        try
        {
            final List<WorkerStatus> slots = context.executor.submit(this::snapshot).get(STATUS_TIMEOUT_S, TimeUnit.SECONDS);
            final List<WorkerStatus> withRss = new ArrayList<>(slots.size());
            for (final WorkerStatus slot : slots)
            {
                withRss.add(slot.pid() < 0 ? slot : slot.withRssBytes(ResidentMemory.rssBytes(slot.pid())));
            }
            return withRss;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return List.of();
        }
        catch (final Exception ex)
        {
            return List.of();
        }
    }

    /**
     * On the supervisor's thread: every slot now.
     */
    List<WorkerStatus> snapshot()
    {
        return StatusSnapshot.take(context);
    }

    /**
     * Any thread: the worker in {@code slot}, process {@code pid}, wrote garbage into the segment (the
     * CM has stopped reading its channels already). It is killed ({@code SIGKILL}: a rogue gets no
     * grace) and its exit takes the usual path: channels reclaimed, a replacement started. A pid that
     * is no longer the slot's (the worker died and was replaced meanwhile) kills nothing.
     */
    public void condemn(final int slot, final long pid, final String cause)
    {
        context.executor.execute(() ->
        {
            final Process process = context.slots[slot].process;
            if (process != null && process.pid() == pid)
            {
                health.kill(slot, process, cause);
            }
        });
    }

    /**
     * @return how long the spare worker has been up, or -1 if there is none (for monitoring and tests).
     */
    public long spareAgeMs()
    {
        return spare.ageMs();
    }

    /**
     * @return the pid of the worker in {@code slot}, or -1.
     */
    public long pid(final int slot)
    {
        return SupervisorContext.pidOf(context.slots[slot]);
    }

    /**
     * @return workers serving at once.
     */
    public int workerCount()
    {
        return context.settings.workerCount();
    }

    /**
     * @return worker slots of the segment: the workers and the room for replacements.
     */
    public int slotCount()
    {
        return context.slots.length;
    }

    /**
     * Stops every worker: SIGTERM, then SIGKILL after the grace period. Waits for them.
     */
    @Override
    public void close()
    {
        context.stopping = true;
        spare.close();
        final List<CompletableFuture<Process>> exits = new ArrayList<>();
        for (final SupervisedSlot slot : context.slots)
        {
            final Process process = slot.process;
            if (process != null)
            {
                SupervisorContext.terminate(process);
                exits.add(process.onExit());
            }
        }

        try
        {
            CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0]))
                .get(context.settings.stopGraceNs(), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ex)
        {
            // some ignored SIGTERM: below
        }
        for (final SupervisedSlot slot : context.slots)
        {
            final Process process = slot.process;
            if (process != null && process.isAlive())
            {
                LOG.warn("worker slot {} (pid {}) ignored SIGTERM: killing it", slot.index, process.pid());
                process.destroyForcibly();
            }
        }
        context.executor.close();
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting workers", ex);
        }
    }
}
