package io.switchboard.cm.supervisor;

import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts the worker JVMs of an instance, restarts those that die or hang,
 * replaces healthy ones on request (rolling restart) or when they have served
 * enough (recycling), and stops them all when the CM stops.
 * <p>
 * Death is seen at once: the JDK's process reaper completes {@link Process#onExit()}.
 * A hung worker is seen by its heartbeat in the segment. A dead worker's slot is
 * started again after a delay that backs off while its workers die young, and a
 * slot whose workers keep dying before READY is reported as crash-looping and
 * parked ({@link RestartPolicy}).
 * <p>
 * Replacing a healthy worker never fails a request: the segment has one slot more
 * than the instance has workers; the new worker starts there and, once READY,
 * takes requests; only then is the old one DRAINING (given nothing new), and once
 * its open channels are closed it is stopped and its slot becomes the spare. One
 * replacement runs at a time.
 * <p>
 * Every transition happens on one scheduler thread, so the slots have a single
 * writer on the CM's side; public methods hand their work to that thread.
 */
public final class WorkerSupervisor implements AutoCloseable
{
    private static final long READY_POLL_MS = 5;
    private static final long DRAIN_POLL_MS = 10;
    private static final long RECYCLE_CHECK_MS = 250;
    private static final long SPARE_REPLENISH_DELAY_MS = 500;

    private final SharedSegment segment;
    private final WorkerSlots segmentSlots;
    private final WorkerLaunch launch;
    private final WorkerListener listener;
    private final WorkerLoad load;
    private final SupervisorSettings settings;
    private final SupervisedSlot[] slots;
    private final WorkerSlotAudit audit;
    private final SegmentHeaderAudit headerAudit;
    private final SpareWorker spare;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "switchboard-supervisor");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean rolling = new AtomicBoolean();
    private ArrayDeque<Integer> rollingPending;
    private long rollingRequestedNs;
    private int rollingReplaced;
    private volatile boolean stopping;

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
        final int slotCount = segment.layout().workerSlotCount();
        if (settings.workerCount() > slotCount)
        {
            throw new IllegalArgumentException("workerCount=" + settings.workerCount() + " workerSlotCount=" + slotCount);
        }

        this.segment = segment;
        this.segmentSlots = new WorkerSlots(segment);
        this.launch = launch;
        this.listener = listener;
        this.load = load;
        this.settings = settings;
        this.slots = new SupervisedSlot[slotCount];
        this.audit = new WorkerSlotAudit(segmentSlots, slotCount);
        this.headerAudit = new SegmentHeaderAudit(segment);
        this.spare = new SpareWorker(launch.spareCommand(segment.name()));
        for (int slot = 0; slot < slotCount; slot++)
        {
            slots[slot] = new SupervisedSlot(slot, settings.restart());
        }

        final long checkMs = Math.max(10, TimeUnit.NANOSECONDS.toMillis(settings.heartbeatTimeoutNs()) / 4);
        scheduler.scheduleWithFixedDelay(this::checkHeartbeats, checkMs, checkMs, TimeUnit.MILLISECONDS);
        if (!settings.recycle().isOff())
        {
            scheduler.scheduleWithFixedDelay(this::checkRecycling, RECYCLE_CHECK_MS, RECYCLE_CHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts every worker and waits until all are READY.
     *
     * @throws IllegalStateException naming the slots that did not become READY in time, or one that crash-loops.
     */
    public void start()
    {
        final int workerCount = settings.workerCount();
        for (int slot = 0; slot < workerCount; slot++)
        {
            final SupervisedSlot supervised = slots[slot];
            scheduler.execute(() ->
            {
                supervised.role = SupervisedSlot.Role.SERVING;
                launch(supervised);
            });
        }

        final long deadlineNs = System.nanoTime() + settings.readyTimeoutNs();
        while (true)
        {
            final StringBuilder notReady = new StringBuilder();
            for (int slot = 0; slot < workerCount; slot++)
            {
                final String crashLoop = slots[slot].crashLoopReport;
                if (crashLoop != null)
                {
                    throw new IllegalStateException(crashLoop);
                }
                // the supervisor's view, not the segment's: READY there is not yet dispatched to
                if (!slots[slot].ready)
                {
                    notReady.append(notReady.isEmpty() ? "" : ", ").append(slot);
                }
            }
            if (notReady.isEmpty())
            {
                // only now: a spare starting with the first workers would slow them down
                execute(spare::replenish);
                return;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("workers in slots " + notReady + " not READY after " +
                    TimeUnit.NANOSECONDS.toSeconds(settings.readyTimeoutNs()) + " s; see their output above");
            }
            sleepMs(READY_POLL_MS);
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
        if (stopping || !rolling.compareAndSet(false, true))
        {
            return false;
        }
        if (!execute(this::beginRollingRestart))
        {
            rolling.set(false);
            return false;
        }
        return true;
    }

    /**
     * @return whether a rolling restart is running.
     */
    public boolean isRollingRestart()
    {
        return rolling.get();
    }

    /**
     * @return a snapshot of every slot, taken on the supervisor's thread; empty if it is stopped.
     */
    public List<WorkerStatus> status()
    {
        try
        {
            return scheduler.submit(this::snapshot).get(5, TimeUnit.SECONDS);
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
     * Any thread: the worker in {@code slot}, process {@code pid}, wrote garbage into the segment (the
     * CM has stopped reading its channels already). It is killed ({@code SIGKILL}: a rogue gets no
     * grace) and its exit takes the usual path: channels reclaimed, a replacement started. A pid that
     * is no longer the slot's (the worker died and was replaced meanwhile) kills nothing.
     */
    public void condemn(final int slot, final long pid, final String cause)
    {
        execute(() ->
        {
            final Process process = slots[slot].process;
            if (process != null && process.pid() == pid)
            {
                kill(slot, process, cause);
            }
        });
    }

    private void kill(final int slot, final Process process, final String cause)
    {
        if (!process.isAlive())
        {
            return;
        }
        System.err.println("switchboard: worker " + slot + " (pid " + process.pid() + ") is rogue: " + cause +
            "; killing it");
        process.destroyForcibly();
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
        final Process process = slots[slot].process;
        return process == null ? -1 : process.pid();
    }

    /**
     * @return workers serving at once.
     */
    public int workerCount()
    {
        return settings.workerCount();
    }

    /**
     * @return worker slots of the segment: the workers and the room for replacements.
     */
    public int slotCount()
    {
        return slots.length;
    }

    // ---------------------------------------------------------------- starting

    private void launch(final SupervisedSlot slot)
    {
        slot.pendingStart = null;
        if (stopping)
        {
            return;
        }

        final long nowNs = System.nanoTime();
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
        process.onExit().thenRun(() -> execute(() -> onExit(slot, process)));
        final ProcessIdentity identity;
        try
        {
            identity = ProcessIdentity.of((int)process.pid());
        }
        catch (final NativeCallException ex)
        {
            // died before we could even look at it: onExit handles it
            return;
        }

        if (!segmentSlots.claim(slot.index, identity))
        {
            System.err.println("switchboard: worker slot " + slot.index + " is " + segmentSlots.state(slot.index) +
                ", not FREE: killing the worker just started in it (pid " + process.pid() + ")");
            process.destroyForcibly();
            return;
        }
        audit.onClaimed(slot.index);
        watchReady(slot, process, nowNs + settings.readyTimeoutNs());
    }

    /**
     * The slot's new worker: the spare if there is one (READY in milliseconds), else a JVM started now.
     *
     * @return the process, or null if none could be started (the slot's death was handled).
     */
    private Process startWorker(final SupervisedSlot slot)
    {
        final Process taken = spare.take(slot.index);
        if (taken != null)
        {
            // another spare starts behind it, a little later so as not to slow its first requests down
            scheduler.schedule(spare::replenish, SPARE_REPLENISH_DELAY_MS, TimeUnit.MILLISECONDS);
            return taken;
        }
        try
        {
            return new ProcessBuilder(launch.command(segment.name(), slot.index)).inheritIO().start();
        }
        catch (final IOException ex)
        {
            System.err.println("switchboard: cannot start a worker in slot " + slot.index + ": " + ex.getMessage());
            afterDeath(slot, -1, -1);
            return null;
        }
    }

    private void watchReady(final SupervisedSlot slot, final Process process, final long deadlineNs)
    {
        if (slot.process != process || !process.isAlive())
        {
            return;
        }
        if (segmentSlots.state(slot.index) == WorkerState.READY)
        {
            onReady(slot, process);
            return;
        }
        if (System.nanoTime() - deadlineNs > 0)
        {
            System.err.println("switchboard: worker slot " + slot.index + " (pid " + process.pid() + ") not READY in " +
                TimeUnit.NANOSECONDS.toMillis(settings.readyTimeoutNs()) + " ms: killing it");
            process.destroyForcibly();
            return;
        }
        scheduler.schedule(() -> watchReady(slot, process, deadlineNs), READY_POLL_MS, TimeUnit.MILLISECONDS);
    }

    private void onReady(final SupervisedSlot slot, final Process process)
    {
        slot.backoff.onReady();
        slot.crashLoopReport = null;
        if (slot.role == SupervisedSlot.Role.REPLACEMENT)
        {
            final SupervisedSlot old = slots[slot.replacing];
            slot.role = SupervisedSlot.Role.SERVING;
            slot.replacing = -1;
            System.err.println("switchboard: worker slot " + slot.index + " (pid " + process.pid() +
                ") is READY; draining the worker it replaces in slot " + old.index + " (pid " + pidOf(old) + ")");
            listener.onWorkerReady(slot.index, process.pid());
            slot.announced = true;
            slot.ready = true;
            beginDrain(old);
            return;
        }
        System.err.println("switchboard: worker slot " + slot.index + " (pid " + process.pid() + ") is READY");
        listener.onWorkerReady(slot.index, process.pid());
        slot.announced = true;
        slot.ready = true;
    }

    private void scheduleStart(final SupervisedSlot slot, final long delayMs)
    {
        if (stopping)
        {
            return;
        }
        slot.pendingStartAtNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        slot.pendingStart = scheduler.schedule(() -> launch(slot), delayMs, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- dying

    private void onExit(final SupervisedSlot slot, final Process process)
    {
        if (slot.process != process)
        {
            return;
        }
        afterDeath(slot, process.pid(), process.exitValue());
    }

    private void afterDeath(final SupervisedSlot slot, final long pid, final int exitStatus)
    {
        final boolean wasReady = slot.ready;
        slot.process = null;
        slot.ready = false;
        slot.lastPid = pid;
        slot.lastExitStatus = exitStatus;
        final WorkerState previous = segmentSlots.state(slot.index);
        segmentSlots.setState(slot.index, WorkerState.DEAD);
        // from the CM's own record first: a rogue may have rewritten the state word before dying
        if (slot.announced || previous == WorkerState.READY || previous == WorkerState.DRAINING)
        {
            slot.announced = false;
            listener.onWorkerLost(slot.index, pid);
        }
        segmentSlots.setState(slot.index, WorkerState.FREE);

        if (stopping)
        {
            return;
        }

        switch (slot.role)
        {
            case DRAINING -> afterDrained(slot, pid, exitStatus);
            case REPLACEMENT -> afterReplacementFailed(slot, pid, exitStatus);
            case SERVING -> afterServingDeath(slot, pid, exitStatus, wasReady);
            case SPARE ->
            {
                // a worker we had given up on (a claim that failed): nothing was waiting for it
            }
        }
    }

    private void afterServingDeath(final SupervisedSlot slot, final long pid, final int exitStatus, final boolean wasReady)
    {
        final String died = "switchboard: worker slot " + slot.index + " (pid " + pid + ") exited with status " + exitStatus +
            (wasReady ? "" : " before READY");
        for (final SupervisedSlot other : slots)
        {
            if (other.role == SupervisedSlot.Role.REPLACEMENT && other.replacing == slot.index)
            {
                // its replacement was starting anyway: that one takes its place, nothing is restarted here
                other.role = SupervisedSlot.Role.SERVING;
                other.replacing = -1;
                slot.role = SupervisedSlot.Role.SPARE;
                System.err.println(died + "; its replacement starting in slot " + other.index + " takes its place");
                if (rolling.get())
                {
                    rollingReplaced++;
                    nextRollingStep();
                }
                return;
            }
        }

        final long delayMs = slot.backoff.onDeath(System.nanoTime(), slot.startedAtNs, !wasReady);
        if (slot.backoff.isCrashLooping())
        {
            final String report = "worker slot " + slot.index + " is crash-looping: " + slot.backoff.deathsBeforeReady() +
                " workers exited before READY within " + settings.restart().crashLoopWindowMs() + " ms, the last (pid " +
                pid + ") with status " + exitStatus + "; parked for " + delayMs + " ms (./switchboard restart-workers " +
                "tries again at once); see the workers' output above";
            slot.crashLoopReport = report;
            System.err.println("switchboard: " + report);
        }
        else
        {
            System.err.println(died + "; restarting in " + delayMs + " ms");
        }
        scheduleStart(slot, delayMs);
    }

    // ---------------------------------------------------------------- replacing

    /**
     * Starts a worker in the spare slot to take over from {@code old}.
     *
     * @return false if no slot is spare.
     */
    private boolean startReplacement(final SupervisedSlot old)
    {
        for (final SupervisedSlot spare : slots)
        {
            if (spare.role == SupervisedSlot.Role.SPARE && spare.process == null)
            {
                spare.role = SupervisedSlot.Role.REPLACEMENT;
                spare.replacing = old.index;
                launch(spare);
                return true;
            }
        }
        System.err.println("switchboard: no spare worker slot to replace slot " + old.index + " in");
        return false;
    }

    private boolean isReplacing()
    {
        for (final SupervisedSlot slot : slots)
        {
            if (slot.role == SupervisedSlot.Role.REPLACEMENT || slot.role == SupervisedSlot.Role.DRAINING ||
                (slot.role == SupervisedSlot.Role.SPARE && slot.process != null))
            {
                return true;
            }
        }
        return false;
    }

    private void beginDrain(final SupervisedSlot old)
    {
        final Process process = old.process;
        if (old.role != SupervisedSlot.Role.SERVING || process == null)
        {
            return;
        }
        old.role = SupervisedSlot.Role.DRAINING;
        segmentSlots.setState(old.index, WorkerState.DRAINING);
        listener.onWorkerDraining(old.index, process.pid());
        checkDrained(old, process, System.nanoTime() + settings.drainTimeoutNs());
    }

    private void checkDrained(final SupervisedSlot old, final Process process, final long deadlineNs)
    {
        if (old.process != process)
        {
            return;
        }
        final int open = load.openChannels(old.index);
        if (open > 0 && System.nanoTime() - deadlineNs < 0)
        {
            scheduler.schedule(() -> checkDrained(old, process, deadlineNs), DRAIN_POLL_MS, TimeUnit.MILLISECONDS);
            return;
        }
        if (open > 0)
        {
            System.err.println("switchboard: worker slot " + old.index + " (pid " + process.pid() + ") still has " + open +
                " open channels after " + TimeUnit.NANOSECONDS.toMillis(settings.drainTimeoutNs()) + " ms of draining: stopping it");
        }
        stop(old, process);
    }

    /**
     * SIGTERM, then SIGKILL after the grace period if it is still there.
     */
    private void stop(final SupervisedSlot slot, final Process process)
    {
        process.destroy();
        scheduler.schedule(() ->
        {
            if (process.isAlive())
            {
                System.err.println("switchboard: worker slot " + slot.index + " (pid " + process.pid() +
                    ") ignored SIGTERM for " + TimeUnit.NANOSECONDS.toMillis(settings.stopGraceNs()) + " ms: killing it");
                process.destroyForcibly();
            }
        }, settings.stopGraceNs(), TimeUnit.NANOSECONDS);
    }

    private void afterDrained(final SupervisedSlot slot, final long pid, final int exitStatus)
    {
        slot.role = SupervisedSlot.Role.SPARE;
        System.err.println("switchboard: worker slot " + slot.index + " (pid " + pid + ") drained and stopped (status " +
            exitStatus + ")");
        if (rolling.get())
        {
            rollingReplaced++;
            nextRollingStep();
        }
    }

    private void afterReplacementFailed(final SupervisedSlot slot, final long pid, final int exitStatus)
    {
        final SupervisedSlot old = slots[slot.replacing];
        slot.role = SupervisedSlot.Role.SPARE;
        slot.replacing = -1;
        // the replacement's failure counts against the old slot: it is the same application failing to start
        final long delayMs = old.backoff.onDeath(System.nanoTime(), slot.startedAtNs, true);
        old.replaceNotBeforeNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        System.err.println("switchboard: the worker started in slot " + slot.index + " (pid " + pid + ") to replace slot " +
            old.index + " exited with status " + exitStatus + " before READY; slot " + old.index + " keeps serving" +
            (rolling.get() ? "; rolling restart abandoned after " + rollingReplaced + " workers replaced" :
                "; next try in " + delayMs + " ms") +
            (old.backoff.isCrashLooping() ? "; its workers crash-loop: " + old.backoff.deathsBeforeReady() +
                " died before READY within " + settings.restart().crashLoopWindowMs() + " ms" : ""));
        if (rolling.get())
        {
            rollingPending = null;
            rolling.set(false);
        }
    }

    // ---------------------------------------------------------------- rolling restart

    private void beginRollingRestart()
    {
        rollingRequestedNs = System.nanoTime();
        rollingReplaced = 0;
        rollingPending = new ArrayDeque<>();
        for (final SupervisedSlot slot : slots)
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
                System.err.println("switchboard: worker slot " + slot.index + " was waiting to restart: starting it now");
                launch(slot);
            }
            else if (slot.process != null)
            {
                rollingPending.add(slot.index);
            }
        }
        System.err.println("switchboard: rolling restart of " + rollingPending.size() + " workers");
        nextRollingStep();
    }

    private void nextRollingStep()
    {
        if (stopping || rollingPending == null)
        {
            return;
        }
        if (isReplacing())
        {
            // a recycling started before this restart is still under way
            scheduler.schedule(this::nextRollingStep, DRAIN_POLL_MS, TimeUnit.MILLISECONDS);
            return;
        }
        while (!rollingPending.isEmpty())
        {
            final SupervisedSlot slot = slots[rollingPending.poll()];
            // a worker started since the restart was asked for is new already
            final boolean current = slot.role == SupervisedSlot.Role.SERVING && slot.process != null &&
                slot.startedAtNs - rollingRequestedNs < 0;
            if (current && slot.ready && startReplacement(slot))
            {
                return;
            }
            if (current && !slot.ready)
            {
                // still starting (a restart after a death): look again once it is READY or gone
                rollingPending.addFirst(slot.index);
                scheduler.schedule(this::nextRollingStep, DRAIN_POLL_MS, TimeUnit.MILLISECONDS);
                return;
            }
        }
        System.err.println("switchboard: rolling restart done: " + rollingReplaced + " workers replaced");
        rollingPending = null;
        rolling.set(false);
    }

    // ---------------------------------------------------------------- periodic checks

    /**
     * Kills workers whose heartbeat stopped: a poller stuck in a handler, a JVM in a
     * stop-the-world pause longer than the timeout, a deadlock. Their exit then takes the usual
     * path: channels reclaimed, requests failed, a replacement started.
     */
    private void checkHeartbeats()
    {
        final String header = headerAudit.checkAndRestore();
        if (header != null)
        {
            System.err.println("switchboard: " + header);
        }
        final long nowNs = System.nanoTime();
        for (final SupervisedSlot slot : slots)
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
            final WorkerState state = segmentSlots.state(slot.index);
            if (state != WorkerState.READY && state != WorkerState.DRAINING)
            {
                continue;
            }
            final long ageNs = nowNs - segmentSlots.heartbeatNs(slot.index);
            if (ageNs > settings.heartbeatTimeoutNs())
            {
                System.err.println("switchboard: worker slot " + slot.index + " (pid " + process.pid() +
                    ") missed its heartbeat for " + TimeUnit.NANOSECONDS.toMillis(ageNs) + " ms (timeout " +
                    TimeUnit.NANOSECONDS.toMillis(settings.heartbeatTimeoutNs()) + " ms): killing it");
                process.destroyForcibly();
            }
        }
    }

    private void checkRecycling()
    {
        if (stopping || rolling.get() || isReplacing())
        {
            return;
        }
        final RecyclePolicy recycle = settings.recycle();
        final long nowNs = System.nanoTime();
        for (final SupervisedSlot slot : slots)
        {
            final Process process = slot.process;
            if (slot.role != SupervisedSlot.Role.SERVING || !slot.ready || process == null ||
                nowNs - slot.replaceNotBeforeNs < 0)
            {
                continue;
            }
            final String reason = recycle.reason(
                load.requestsDispatched(slot.index), recycle.needsRss() ? ResidentMemory.rssBytes(process.pid()) : -1);
            if (reason != null)
            {
                System.err.println("switchboard: recycling worker slot " + slot.index + " (pid " + process.pid() + "): " + reason);
                startReplacement(slot);
                return;
            }
        }
    }

    private List<WorkerStatus> snapshot()
    {
        final long nowNs = System.nanoTime();
        final List<WorkerStatus> status = new ArrayList<>(slots.length);
        for (final SupervisedSlot slot : slots)
        {
            final Process process = slot.process;
            final boolean waiting = process == null && slot.pendingStart != null && !slot.pendingStart.isDone();
            status.add(new WorkerStatus(
                slot.index,
                slot.displayState(),
                process == null ? -1 : process.pid(),
                slot.ready ? load.requestsDispatched(slot.index) : 0,
                load.openChannels(slot.index),
                slot.starts,
                slot.backoff.deathsBeforeReady(),
                slot.lastExitStatus,
                waiting ? Math.max(0, TimeUnit.NANOSECONDS.toMillis(slot.pendingStartAtNs - nowNs)) : -1));
        }
        return status;
    }

    // ---------------------------------------------------------------- stopping

    /**
     * Stops every worker: SIGTERM, then SIGKILL after the grace period. Waits for them.
     */
    public void close()
    {
        stopping = true;
        spare.close();
        final List<CompletableFuture<Process>> exits = new ArrayList<>();
        for (final SupervisedSlot slot : slots)
        {
            final Process process = slot.process;
            if (process != null)
            {
                process.destroy();
                exits.add(process.onExit());
            }
        }

        try
        {
            CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0]))
                .get(settings.stopGraceNs(), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ex)
        {
            // some ignored SIGTERM: below
        }
        for (final SupervisedSlot slot : slots)
        {
            final Process process = slot.process;
            if (process != null && process.isAlive())
            {
                System.err.println("switchboard: worker slot " + slot.index + " (pid " + process.pid() +
                    ") ignored SIGTERM: killing it");
                process.destroyForcibly();
            }
        }
        scheduler.shutdownNow();
    }

    private boolean execute(final Runnable task)
    {
        try
        {
            scheduler.execute(task);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            // stopped
            return false;
        }
    }

    private static long pidOf(final SupervisedSlot slot)
    {
        final Process process = slot.process;
        return process == null ? -1 : process.pid();
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
