package io.switchboard.cm.supervisor;

import java.util.concurrent.TimeUnit;

/**
 * How the supervisor runs its workers.
 *
 * @param workerCount        workers serving at once (the segment has at least one slot more, for replacements).
 * @param heartbeatTimeoutNs a READY worker whose heartbeat is older is hung: killed and replaced.
 * @param readyTimeoutNs     a worker not READY this long after its start is killed.
 * @param drainTimeoutNs     a worker being replaced has this long to finish its requests before it is stopped.
 * @param stopGraceNs        a worker told to stop (SIGTERM) is killed (SIGKILL) after this.
 * @param restart            when dead workers are started again.
 * @param recycle            when healthy workers are replaced.
 */
public record SupervisorSettings(
    int workerCount,
    long heartbeatTimeoutNs,
    long readyTimeoutNs,
    long drainTimeoutNs,
    long stopGraceNs,
    RestartPolicy restart,
    RecyclePolicy recycle)
{
    /**
     * An idle worker parks up to a second between beats: a shorter timeout would kill healthy idle workers.
     */
    public static final long MIN_HEARTBEAT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(2_000);

    public SupervisorSettings
    {
        if (workerCount < 1 || heartbeatTimeoutNs < MIN_HEARTBEAT_TIMEOUT_NS || readyTimeoutNs <= 0 ||
            drainTimeoutNs < 0 || stopGraceNs < 0)
        {
            throw new IllegalArgumentException("supervisor settings out of range: workerCount=" + workerCount +
                " heartbeatTimeoutMs=" + TimeUnit.NANOSECONDS.toMillis(heartbeatTimeoutNs) +
                " (at least " + TimeUnit.NANOSECONDS.toMillis(MIN_HEARTBEAT_TIMEOUT_NS) + ": an idle worker beats once a second)" +
                " readyTimeoutMs=" + TimeUnit.NANOSECONDS.toMillis(readyTimeoutNs) +
                " drainTimeoutMs=" + TimeUnit.NANOSECONDS.toMillis(drainTimeoutNs) +
                " stopGraceMs=" + TimeUnit.NANOSECONDS.toMillis(stopGraceNs));
        }
        if (restart == null || recycle == null)
        {
            throw new IllegalArgumentException("restart=" + restart + " recycle=" + recycle);
        }
    }
}
