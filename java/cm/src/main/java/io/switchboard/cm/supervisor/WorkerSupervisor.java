package io.switchboard.cm.supervisor;

import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Starts the worker JVMs of an instance, one per worker slot, waits until each
 * is READY, restarts one that exits, and stops them all when the CM stops.
 * <p>
 * A worker's death is seen at once: the JDK's process reaper completes
 * {@link Process#onExit()}. Restarts back off (doubling from 100 ms to 10 s)
 * while a worker keeps dying young, so a worker that cannot start is reported
 * and does not spin. Every transition happens on one scheduler thread, so the
 * slot states have a single writer on the CM's side.
 */
public final class WorkerSupervisor implements AutoCloseable
{
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long MIN_RESTART_DELAY_MS = 100;
    private static final long MAX_RESTART_DELAY_MS = 10_000;
    private static final long YOUNG_DEATH_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long STOP_GRACE_MS = 5_000;

    private final SharedSegment segment;
    private final WorkerSlots slots;
    private final WorkerLaunch launch;
    private final WorkerListener listener;
    private final int workerCount;
    private final AtomicReferenceArray<Process> processes;
    private final long[] startedAtNs;
    private final long[] restartDelayMs;
    /** Whether the listener was told the slot's worker is READY: then it must hear of the loss too. */
    private final boolean[] announcedReady;
    private final WorkerSlotAudit audit;
    private final SegmentHeaderAudit headerAudit;
    private final long heartbeatTimeoutNs;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "switchboard-supervisor");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;

    public WorkerSupervisor(
        final SharedSegment segment, final WorkerLaunch launch, final int workerCount, final WorkerListener listener)
    {
        this(segment, launch, workerCount, listener, TimeUnit.SECONDS.toNanos(5));
    }

    /**
     * @param heartbeatTimeoutNs a READY worker whose heartbeat is older than this is hung: it is killed
     *                           ({@code SIGKILL}) and replaced like one that died.
     */
    public WorkerSupervisor(
        final SharedSegment segment,
        final WorkerLaunch launch,
        final int workerCount,
        final WorkerListener listener,
        final long heartbeatTimeoutNs)
    {
        if (workerCount < 1 || workerCount > segment.layout().workerSlotCount())
        {
            throw new IllegalArgumentException(
                "workerCount=" + workerCount + " workerSlotCount=" + segment.layout().workerSlotCount());
        }

        this.segment = segment;
        this.slots = new WorkerSlots(segment);
        this.launch = launch;
        this.listener = listener;
        this.workerCount = workerCount;
        this.processes = new AtomicReferenceArray<>(workerCount);
        this.startedAtNs = new long[workerCount];
        this.restartDelayMs = new long[workerCount];
        this.announcedReady = new boolean[workerCount];
        this.audit = new WorkerSlotAudit(slots, workerCount);
        this.headerAudit = new SegmentHeaderAudit(segment);
        if (heartbeatTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("heartbeatTimeoutNs=" + heartbeatTimeoutNs);
        }
        this.heartbeatTimeoutNs = heartbeatTimeoutNs;
        final long checkMs = Math.max(10, TimeUnit.NANOSECONDS.toMillis(heartbeatTimeoutNs) / 4);
        scheduler.scheduleWithFixedDelay(this::checkHeartbeats, checkMs, checkMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Kills READY workers whose heartbeat stopped: a poller stuck in a handler, a JVM in a
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
        for (int slot = 0; slot < workerCount; slot++)
        {
            final Process process = processes.get(slot);
            if (process == null || !process.isAlive() || !announcedReady[slot])
            {
                continue;
            }
            final String wrong = audit.check(slot);
            if (wrong != null)
            {
                kill(slot, process, wrong);
                continue;
            }
            final long ageNs = nowNs - slots.heartbeatNs(slot);
            if (ageNs > heartbeatTimeoutNs)
            {
                System.err.println("switchboard: worker " + slot + " (pid " + process.pid() + ") missed its heartbeat for " +
                    TimeUnit.NANOSECONDS.toMillis(ageNs) + " ms (timeout " +
                    TimeUnit.NANOSECONDS.toMillis(heartbeatTimeoutNs) + " ms): killing it");
                process.destroyForcibly();
            }
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
        scheduler.execute(() ->
        {
            final Process process = processes.get(slot);
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
     * Starts every worker and waits until all are READY.
     *
     * @throws IllegalStateException naming the slots that did not become READY in time.
     */
    public void start()
    {
        for (int slot = 0; slot < workerCount; slot++)
        {
            final int s = slot;
            restartDelayMs[slot] = MIN_RESTART_DELAY_MS;
            scheduler.execute(() -> launch(s));
        }

        final long deadlineNs = System.nanoTime() + READY_TIMEOUT_NS;
        while (true)
        {
            final StringBuilder notReady = new StringBuilder();
            for (int slot = 0; slot < workerCount; slot++)
            {
                if (slots.state(slot) != WorkerState.READY)
                {
                    notReady.append(notReady.isEmpty() ? "" : ", ").append(slot);
                }
            }
            if (notReady.isEmpty())
            {
                return;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("workers in slots " + notReady + " not READY after " +
                    TimeUnit.NANOSECONDS.toSeconds(READY_TIMEOUT_NS) + " s; see their output above");
            }
            sleepMs(5);
        }
    }

    private void launch(final int slot)
    {
        if (stopping)
        {
            return;
        }

        final Process process;
        try
        {
            process = new ProcessBuilder(launch.command(segment.name(), slot)).inheritIO().start();
        }
        catch (final IOException ex)
        {
            System.err.println("switchboard: cannot start worker " + slot + ": " + ex.getMessage());
            scheduleRestart(slot);
            return;
        }

        final ProcessIdentity identity;
        try
        {
            identity = ProcessIdentity.of((int)process.pid());
        }
        catch (final NativeCallException ex)
        {
            // died before we could even look at it: its onExit handler below still runs
            process.onExit().thenRun(() -> scheduler.execute(() -> onExit(slot, process)));
            return;
        }

        processes.set(slot, process);
        startedAtNs[slot] = System.nanoTime();
        if (!slots.claim(slot, identity))
        {
            throw new UncheckedIOException(new IOException("worker slot " + slot + " is not FREE: " + slots.state(slot)));
        }
        audit.onClaimed(slot);

        process.onExit().thenRun(() -> scheduler.execute(() -> onExit(slot, process)));
        watchReady(slot, process);
    }

    private void watchReady(final int slot, final Process process)
    {
        final long deadlineNs = System.nanoTime() + READY_TIMEOUT_NS;
        final Runnable check = new Runnable()
        {
            public void run()
            {
                if (processes.get(slot) != process || !process.isAlive())
                {
                    return;
                }
                if (slots.state(slot) == WorkerState.READY)
                {
                    announcedReady[slot] = true;
                    listener.onWorkerReady(slot, process.pid());
                    return;
                }
                if (System.nanoTime() - deadlineNs > 0)
                {
                    System.err.println("switchboard: worker " + slot + " (pid " + process.pid() +
                        ") not READY in time: killing it");
                    process.destroyForcibly();
                    return;
                }
                scheduler.schedule(this, 2, TimeUnit.MILLISECONDS);
            }
        };
        scheduler.execute(check);
    }

    private void onExit(final int slot, final Process process)
    {
        if (processes.get(slot) != process && processes.get(slot) != null)
        {
            return;
        }

        processes.set(slot, null);
        slots.setState(slot, WorkerState.DEAD);
        // from the CM's own record, not the state word: a rogue may have rewritten that before dying
        if (announcedReady[slot])
        {
            announcedReady[slot] = false;
            listener.onWorkerLost(slot, process.pid());
        }
        slots.setState(slot, WorkerState.FREE);

        if (stopping)
        {
            return;
        }

        final boolean young = System.nanoTime() - startedAtNs[slot] < YOUNG_DEATH_NS;
        System.err.println("switchboard: worker " + slot + " (pid " + process.pid() + ") exited with status " +
            process.exitValue() + (young ? "" : "; restarting"));
        restartDelayMs[slot] = young ? Math.min(MAX_RESTART_DELAY_MS, restartDelayMs[slot] * 2) : MIN_RESTART_DELAY_MS;
        if (young)
        {
            System.err.println("switchboard: worker " + slot + " died young; restarting in " + restartDelayMs[slot] + " ms");
        }
        scheduleRestart(slot);
    }

    private void scheduleRestart(final int slot)
    {
        if (!stopping)
        {
            scheduler.schedule(() -> launch(slot), restartDelayMs[slot], TimeUnit.MILLISECONDS);
        }
    }

    /**
     * @return the pid of the worker in {@code slot}, or -1.
     */
    public long pid(final int slot)
    {
        final Process process = processes.get(slot);
        return process == null ? -1 : process.pid();
    }

    public int workerCount()
    {
        return workerCount;
    }

    /**
     * Stops every worker: SIGTERM, then SIGKILL after a grace period. Waits for them.
     */
    public void close()
    {
        stopping = true;
        final CompletableFuture<?>[] exits = new CompletableFuture<?>[workerCount];
        for (int slot = 0; slot < workerCount; slot++)
        {
            final Process process = processes.get(slot);
            if (process != null)
            {
                process.destroy();
                exits[slot] = process.onExit();
            }
            else
            {
                exits[slot] = CompletableFuture.completedFuture(null);
            }
        }

        try
        {
            CompletableFuture.allOf(exits).get(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            for (int slot = 0; slot < workerCount; slot++)
            {
                final Process process = processes.get(slot);
                if (process != null && process.isAlive())
                {
                    System.err.println("switchboard: worker " + slot + " ignored SIGTERM: killing it");
                    process.destroyForcibly();
                }
            }
        }
        scheduler.shutdownNow();
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
