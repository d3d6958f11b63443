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
    long nextStartInMs)
{
}
