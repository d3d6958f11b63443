package io.switchboard.cm.supervisor;

/**
 * What the dispatcher knows of each worker slot, read by the supervisor to
 * drain a worker (no open channel left) and to recycle it (requests given).
 * Implementations are thread-safe.
 */
public interface WorkerLoad
{
    /**
     * @return channels open to the worker in {@code slot} now.
     */
    int openChannels(int slot);

    /**
     * @return requests given to the worker in {@code slot} since it became READY.
     */
    long requestsDispatched(int slot);

    /**
     * @return distributed sessions open to the worker in {@code slot} now (for operators).
     */
    int sessions(int slot);
}
