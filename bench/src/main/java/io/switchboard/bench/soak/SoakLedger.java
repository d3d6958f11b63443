package io.switchboard.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the load saw, counted by every load thread and read by the reporter: requests served, failures attributed
 * to a worker kill or not, and requests that outlived their deadline.
 * <p>
 * Neither an HTTP request that fails nor a demo session says which worker served it, so a failure is attributed by
 * time: one that ends within {@link #KILL_WINDOW_NS} of a kill (of the kind a death causes: a 502/503 or a broken
 * connection, a lost session) is {@code failed_on_killed_worker}. A failure of that kind while no kill is near,
 * and any failure of another kind (a wrong answer, an application error), is {@code failed_not_on_killed_worker}.
 * With kills 20 s or more apart, a bystander failing within 2 s of a kill is counted on the killed worker: the
 * figure to watch is the other one, and {@code hung}.
 */
final class SoakLedger
{
    /** How long after a kill a failure of the dying kind is the kill's. */
    static final long KILL_WINDOW_NS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_SAMPLES = 20;

    private final LongAdder served = new LongAdder();
    private final LongAdder failedOnKilledWorker = new LongAdder();
    private final LongAdder failedNotOnKilledWorker = new LongAdder();
    private final LongAdder hung = new LongAdder();
    private final LongAdder kills = new LongAdder();
    private final AtomicLong lastKillNs = new AtomicLong(Long.MIN_VALUE / 2);
    private final List<String> samples = new ArrayList<>();

    void served()
    {
        served.increment();
    }

    void killed(final long pid)
    {
        lastKillNs.set(System.nanoTime());
        kills.increment();
    }

    /**
     * A request failed the way a worker's death fails it.
     *
     * @param startNs when the request started: it was in flight, or began, near the kill.
     */
    void failedLikeADeath(final long startNs, final String what)
    {
        final long killNs = lastKillNs.get();
        final long nowNs = System.nanoTime();
        if (nowNs - killNs <= KILL_WINDOW_NS || startNs - killNs <= KILL_WINDOW_NS && startNs - killNs >= 0)
        {
            failedOnKilledWorker.increment();
        }
        else
        {
            failedNotOnKilledWorker.increment();
            sample("not near a kill: " + what);
        }
    }

    /**
     * A failure no kill explains: a wrong answer, an error the application sent.
     */
    void failedOtherwise(final String what)
    {
        failedNotOnKilledWorker.increment();
        sample(what);
    }

    void hung(final String what)
    {
        hung.increment();
        sample("hung: " + what);
    }

    private void sample(final String what)
    {
        synchronized (samples)
        {
            if (samples.size() < MAX_SAMPLES)
            {
                samples.add(what);
            }
        }
    }

    long servedCount()
    {
        return served.sum();
    }

    long failedOnKilledWorker()
    {
        return failedOnKilledWorker.sum();
    }

    long failedNotOnKilledWorker()
    {
        return failedNotOnKilledWorker.sum();
    }

    long failed()
    {
        return failedOnKilledWorker.sum() + failedNotOnKilledWorker.sum();
    }

    long hungCount()
    {
        return hung.sum();
    }

    long kills()
    {
        return kills.sum();
    }

    List<String> samples()
    {
        synchronized (samples)
        {
            return List.copyOf(samples);
        }
    }
}
