package io.switchboard.cm.supervisor;

import java.util.concurrent.Future;

/**
 * What the supervisor knows of one worker slot. Written by the supervisor's
 * thread only; {@link #process} is also read by others (pids for monitoring),
 * {@link #ready} and {@link #crashLoopReport} by the thread waiting in {@code start()}.
 */
final class SupervisedSlot
{
    /**
     * Why the slot holds (or wants) a worker.
     */
    enum Role
    {
        /** No worker wanted: the room a replacement starts in. */
        SPARE,
        /** One of the instance's workers: started again when it dies. */
        SERVING,
        /** Starting a worker that takes over from {@link #replacing} once READY. */
        REPLACEMENT,
        /** Its worker is being replaced: it finishes its requests, then is stopped; not started again. */
        DRAINING
    }

    final int index;
    final RestartBackoff backoff;
    volatile Process process;
    volatile String crashLoopReport;
    Role role = Role.SPARE;
    int replacing = -1;
    /**
     * Which of the launch's JDKs ({@link WorkerLaunch#javas}) the slot's worker runs: the k-th worker started with
     * the instance gets {@code k mod n}; a restart keeps it, a replacement takes the replaced worker's.
     */
    int java;
    /** READY, and the listener told: it takes requests. */
    volatile boolean ready;
    /** Whether the listener was told this slot's worker is READY: then it must hear of the loss too. */
    boolean announced;
    long startedAtNs;
    /** When the listener was told the worker is READY; meaningful while {@link #announced}. */
    long readyAtNs;
    /** The Java runtime the worker said it runs ({@code java.version} form), read at READY; null if none. */
    String runtimeVersion;
    long starts;
    /** Serving workers of this slot that exited unasked (crashed, killed, hung, cut off) and were started again. */
    long restarts;
    long lastPid = -1;
    int lastExitStatus = -1;
    /** A scheduled start (BACKOFF or PARKED), or null. */
    Future<?> pendingStart;
    long pendingStartAtNs;
    /** Not before this may the worker be recycled again (after a replacement that failed to start). */
    long replaceNotBeforeNs;

    SupervisedSlot(final int index, final RestartPolicy policy)
    {
        this.index = index;
        this.backoff = new RestartBackoff(policy);
    }

    /**
     * @return the state shown to operators.
     */
    String displayState()
    {
        return switch (role)
        {
            case SPARE -> process == null ? "SPARE" : "STOPPING";
            case DRAINING -> "DRAINING";
            case REPLACEMENT -> "STARTING";
            case SERVING ->
            {
                if (process != null)
                {
                    yield ready ? "READY" : "STARTING";
                }
                yield backoff.isCrashLooping() ? "PARKED" : "BACKOFF";
            }
        };
    }
}
