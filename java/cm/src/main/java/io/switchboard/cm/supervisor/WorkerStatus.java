package io.switchboard.cm.supervisor;

/**
 * One worker slot as the supervisor sees it, for the admin plane and for tests.
 *
 * @param slot              the worker slot.
 * @param state             SPARE (no worker wanted: the room a replacement starts in), STARTING, READY,
 *                          DRAINING (being replaced: finishes what it has, gets nothing new), BACKOFF (waits
 *                          to be restarted), PARKED (crash-looping: waits long, or for an operator's restart).
 * @param pid               the worker's pid, or -1.
 * @param requests          requests given to it since it became READY.
 * @param openChannels      channels open to it now.
 * @param starts            workers started in this slot.
 * @param deathsBeforeReady workers of this slot that died before READY since the last READY.
 * @param lastExitStatus    exit status of the slot's last worker, or -1.
 * @param nextStartInMs     for BACKOFF and PARKED, milliseconds until the next start; else -1.
 * @param sessions          distributed sessions open to it now.
 * @param restarts          serving workers of this slot that exited unasked (crash, kill, hang, cut-off) and were
 *                          started again; rolling restarts and recycling are not counted.
 * @param jdk               the worker's Java runtime version as it reported it at READY ({@code java.version}
 *                          form, e.g. {@code 25.0.1}), or null when no worker of this slot is READY.
 * @param uptimeS           seconds since the worker became READY, or -1 when it has not.
 * @param rssBytes          the worker's resident set size now, or -1 (no worker, or not readable).
 */
public record WorkerStatus(
    int slot,
    String state,
    long pid,
    long requests,
    int openChannels,
    long starts,
    int deathsBeforeReady,
    int lastExitStatus,
    long nextStartInMs,
    int sessions,
    long restarts,
    String jdk,
    long uptimeS,
    long rssBytes)
{
    /**
     * @return this status with the resident set size read now.
     */
    WorkerStatus withRssBytes(final long bytes)
    {
        return new WorkerStatus(slot, state, pid, requests, openChannels, starts, deathsBeforeReady, lastExitStatus,
            nextStartInMs, sessions, restarts, jdk, uptimeS, bytes);
    }
}
