package io.switchboard.cm.supervisor;

import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.testsupport.TempSegment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A supervisor on a {@link ManualExecutor} (its thread and clock), {@link FakeWorker}s for processes and a real
 * segment with one worker slot more than workers. The test plays the workers' part in the segment (READY,
 * heartbeats) and the dispatcher's (open channels, requests); the listener's calls are recorded in order.
 */
final class SupervisorHarness implements AutoCloseable
{
    static final long HEARTBEAT_TIMEOUT_MS = 2_000;
    static final long READY_TIMEOUT_MS = 10_000;
    static final long DRAIN_TIMEOUT_MS = 5_000;
    static final long STOP_GRACE_MS = 3_000;
    /** 100 ms doubling to 400 ms; 3 deaths before READY within a minute park the slot for a minute. */
    static final RestartPolicy RESTART = new RestartPolicy(100, 400, 10_000, 3, 60_000, 60_000);

    final ManualExecutor executor = new ManualExecutor();
    final FakeWorkerProcesses processes = new FakeWorkerProcesses();
    final List<String> listened = new ArrayList<>();
    final int[] openChannels;
    final long[] requests;
    final TempSegment temp;
    final WorkerSlots segmentSlots;
    final WorkerSupervisor supervisor;
    /** Slots whose worker the test keeps beating while it moves the clock with {@link #runMs}. */
    private final boolean[] beating;

    SupervisorHarness(final int workers, final RestartPolicy restart, final RecyclePolicy recycle)
    {
        final int slotCount = workers + 1;
        openChannels = new int[slotCount];
        requests = new long[slotCount];
        beating = new boolean[slotCount];
        temp = TempSegment.create(new SegmentLayout(slotCount, 4, 1024, 1));
        segmentSlots = new WorkerSlots(temp.segment());
        final SupervisorSettings settings = new SupervisorSettings(workers, ms(HEARTBEAT_TIMEOUT_MS), ms(READY_TIMEOUT_MS),
            ms(DRAIN_TIMEOUT_MS), ms(STOP_GRACE_MS), restart, recycle);
        supervisor = new WorkerSupervisor(temp.segment(),
            new WorkerLaunch(Path.of("/opt/java/bin/java"), "worker.jar", List.of(), List.of()),
            new WorkerListener()
            {
                public void onWorkerReady(final int slot, final long pid)
                {
                    listened.add("ready " + slot);
                }

                public void onWorkerDraining(final int slot, final long pid)
                {
                    listened.add("draining " + slot);
                }

                public void onWorkerLost(final int slot, final long pid)
                {
                    listened.add("lost " + slot);
                }
            },
            new WorkerLoad()
            {
                public int openChannels(final int slot)
                {
                    return openChannels[slot];
                }

                public long requestsDispatched(final int slot)
                {
                    return requests[slot];
                }

                public int sessions(final int slot)
                {
                    return 0;
                }
            },
            settings, processes, executor, executor);
    }

    SupervisorHarness(final int workers)
    {
        this(workers, RESTART, RecyclePolicy.OFF);
    }

    /**
     * Starts every worker and plays each READY; they beat from then on.
     */
    void startAll()
    {
        supervisor.launchAll();
        executor.runDue();
        for (int slot = 0; slot < supervisor.workerCount(); slot++)
        {
            ready(slot);
        }
        assertEquals(supervisor.workerCount(), listened.stream().filter(event -> event.startsWith("ready")).count(),
            "READY announced: " + listened);
    }

    /**
     * The slot's worker marks itself READY; the supervisor sees it at its next look.
     */
    void ready(final int slot)
    {
        assertNotNull(worker(slot), "no worker in slot " + slot);
        segmentSlots.markReady(slot);
        // markReady stamps the real clock: the worker beats on the test's from now on
        segmentSlots.heartbeat(slot, executor.nanoTime());
        beating[slot] = true;
        executor.advanceMs(TimeUnit.NANOSECONDS.toMillis(WorkerLauncher.READY_POLL_NS));
    }

    /**
     * The slot's worker beats once more, now, and never again (it hangs).
     */
    void hang(final int slot)
    {
        segmentSlots.heartbeat(slot, executor.nanoTime());
        beating[slot] = false;
    }

    /**
     * Moves the clock {@code ms} ahead in steps of 100 ms, the beating workers beating at each.
     */
    void runMs(final long ms)
    {
        for (long left = ms; left > 0; left -= 100)
        {
            for (int slot = 0; slot < beating.length; slot++)
            {
                if (beating[slot] && worker(slot) != null)
                {
                    segmentSlots.heartbeat(slot, executor.nanoTime());
                }
            }
            executor.advanceMs(Math.min(100, left));
        }
    }

    /**
     * @return the worker in the slot now, or null.
     */
    FakeWorker worker(final int slot)
    {
        final long pid = supervisor.pid(slot);
        for (final FakeWorker worker : processes.started())
        {
            if (worker.pid() == pid)
            {
                return worker;
            }
        }
        return null;
    }

    /**
     * The slot's worker exits by itself; the supervisor handles it at once.
     */
    FakeWorker exit(final int slot, final int status)
    {
        final FakeWorker worker = worker(slot);
        assertNotNull(worker, "no worker in slot " + slot);
        beating[slot] = false;
        worker.exit(status);
        executor.runDue();
        return worker;
    }

    WorkerStatus status(final int slot)
    {
        return supervisor.snapshot().get(slot);
    }

    String state(final int slot)
    {
        return status(slot).state();
    }

    static long ms(final long ms)
    {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Override
    public void close()
    {
        try
        {
            supervisor.close();
        }
        finally
        {
            temp.close();
        }
    }
}
