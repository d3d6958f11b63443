package io.switchboard.cm.supervisor;

/**
 * Told of changes in the worker pool; called on the supervisor's thread, must
 * not block.
 */
public interface WorkerListener
{
    /**
     * A worker is READY in {@code slot} and may be given requests.
     */
    void onWorkerReady(int slot, long pid);

    /**
     * The worker in {@code slot} is being replaced: give it no new request; those it
     * has finish. It is stopped once it has no open channel (or its drain time is up).
     */
    void onWorkerDraining(int slot, long pid);

    /**
     * The worker in {@code slot} is gone (exit, crash, kill): its channels must
     * be reclaimed and its in-flight requests failed. A replacement may follow.
     */
    void onWorkerLost(int slot, long pid);
}
