package io.switchboard.cm.supervisor;

import java.util.concurrent.TimeUnit;

/**
 * The restart history of one worker slot under a {@link RestartPolicy}: how
 * long to wait before the next start, and whether the slot is crash-looping.
 * Time is passed in (monotonic nanoseconds), so the policy is tested without
 * sleeping.
 * <p>
 * Not thread-safe: used by the supervisor's thread only.
 */
final class RestartBackoff
{
    private final RestartPolicy policy;
    /** Times of the latest deaths before READY, a ring of {@code crashLoopDeaths} entries. */
    private final long[] deathsBeforeReadyNs;
    private int deathCount;
    private long delayMs;
    private boolean crashLooping;

    RestartBackoff(final RestartPolicy policy)
    {
        this.policy = policy;
        this.deathsBeforeReadyNs = new long[policy.crashLoopDeaths()];
        this.delayMs = policy.minDelayMs();
    }

    /**
     * Records a death and decides when the next start may be.
     *
     * @param nowNs        now.
     * @param startedAtNs  when the worker that died was started.
     * @param beforeReady  whether it died before it was READY.
     * @return milliseconds to wait before starting the next worker in the slot.
     */
    long onDeath(final long nowNs, final long startedAtNs, final boolean beforeReady)
    {
        final boolean young = beforeReady || nowNs - startedAtNs < TimeUnit.MILLISECONDS.toNanos(policy.youngMs());
        if (beforeReady)
        {
            deathsBeforeReadyNs[deathCount % deathsBeforeReadyNs.length] = nowNs;
            deathCount++;
        }
        crashLooping = deathsBeforeReadyInWindow(nowNs) >= policy.crashLoopDeaths();
        if (crashLooping)
        {
            delayMs = policy.maxDelayMs();
            return policy.crashLoopParkMs();
        }
        if (!young)
        {
            delayMs = policy.minDelayMs();
            return delayMs;
        }
        final long thisDelayMs = delayMs;
        delayMs = Math.min(policy.maxDelayMs(), delayMs * 2);
        return thisDelayMs;
    }

    /**
     * A worker reached READY: the crash loop, if any, is over; the delay keeps its
     * value until the worker lives long (a worker that dies soon after READY still backs off).
     */
    void onReady()
    {
        crashLooping = false;
        deathCount = 0;
    }

    /**
     * An operator asked for a restart: forget the history.
     */
    void reset()
    {
        crashLooping = false;
        deathCount = 0;
        delayMs = policy.minDelayMs();
    }

    boolean isCrashLooping()
    {
        return crashLooping;
    }

    /**
     * @return deaths before READY recorded since the last READY (or reset), at most {@code crashLoopDeaths}.
     */
    int deathsBeforeReady()
    {
        return Math.min(deathCount, deathsBeforeReadyNs.length);
    }

    /**
     * @return the delay the next young death will wait.
     */
    long nextDelayMs()
    {
        return delayMs;
    }

    private int deathsBeforeReadyInWindow(final long nowNs)
    {
        final long windowNs = TimeUnit.MILLISECONDS.toNanos(policy.crashLoopWindowMs());
        int inWindow = 0;
        for (int i = 0; i < deathsBeforeReady(); i++)
        {
            if (nowNs - deathsBeforeReadyNs[i] <= windowNs)
            {
                inWindow++;
            }
        }
        return inWindow;
    }
}
