package io.switchboard.cm.net;

import io.switchboard.cm.dispatch.WorkerPool;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.segment.SharedSegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels one I/O thread holds, from the open to the slot's release: which connection each slot
 * serves, what it carries and for which incarnation of its worker; the retiring ones, CLOSING until their
 * worker marks them done; and those of a cut-off worker, held back from reuse until the process is dead,
 * because a live rogue could still write into them.
 * <pre>
 *   allocate --open--> held (bySlot) --retire--> retiring --worker done--> released (FREE)
 *                          |                         |
 *                          +--worker cut off---------+--> held until dead --worker lost--> reclaimed
 * </pre>
 * Every word it checks is a worker's to write, and checked before use: a worker that writes what no
 * correct worker writes is reported, and cut off here and, through the {@link WorkerFaultHandler}, on
 * the other threads.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class ChannelLedger
{
    private static final Logger LOG = LoggerFactory.getLogger(ChannelLedger.class);

    /**
     * Told when a connection's handling threw while the ledger called it.
     */
    @FunctionalInterface
    interface ConnectionFailures
    {
        void failed(Connection connection, Throwable cause);
    }

    private final int index;
    private final SharedSegment segment;
    private final ChannelTable channels;
    private final WorkerPool workers;
    private final WorkerFaultHandler faultHandler;
    private final ConnectionFailures failures;
    private final Connection[] bySlot;
    /** What each channel slot this thread allocated carries, to check the slot words against. */
    private final ChannelKind[] heldKinds;
    /** Which incarnation of its worker each channel slot this thread allocated was given to. */
    private final int[] heldIncarnations;
    private final ChannelEnd[][] ends;
    private final long[] retiringIds;
    private final int[] retiringWorkers;
    private int retiringCount;
    /**
     * Per worker slot, the incarnation cut off for writing garbage: while it is the slot's current one
     * ({@link WorkerPool#incarnation}), none of its rings is read. Keyed by incarnation, so that a cut-off
     * arriving late (another thread's, after the death was handled here) cannot condemn the replacement.
     */
    private final int[] condemnedIncarnation;

    ChannelLedger(
        final int index,
        final SharedSegment segment,
        final WorkerPool workers,
        final WorkerFaultHandler faultHandler,
        final ConnectionFailures failures)
    {
        this.index = index;
        this.segment = segment;
        this.channels = new ChannelTable(segment);
        this.workers = workers;
        this.faultHandler = faultHandler;
        this.failures = failures;
        final int slots = channels.slotCount();
        this.bySlot = new Connection[slots];
        this.heldKinds = new ChannelKind[slots];
        this.heldIncarnations = new int[slots];
        this.ends = new ChannelEnd[slots][];
        this.retiringIds = new long[slots];
        this.retiringWorkers = new int[slots];
        this.condemnedIncarnation = new int[workers.slotCount()];
        java.util.Arrays.fill(condemnedIncarnation, -1);
    }

    /**
     * @return the connection a channel slot serves, or null.
     */
    Connection connectionAt(final int slot)
    {
        return bySlot[slot];
    }

    /**
     * Opens a channel of {@code kind} to a ready worker (the least loaded for a request; the one with the
     * fewest sessions, or the affinity's, for a session) and hands it to the connection.
     *
     * @return false when no channel or no worker is available now.
     */
    boolean open(final Connection connection, final ChannelKind kind, final String affinity)
    {
        return open(connection, kind, affinity, WorkerPool.NONE);
    }

    /**
     * As {@link #open(Connection, ChannelKind, String)}, to {@code sessionWorker} while it is READY: the worker
     * that holds the request's HTTP session.
     */
    boolean open(final Connection connection, final ChannelKind kind, final String affinity, final int sessionWorker)
    {
        // counted as open before the channel exists: a worker being drained then waits for it (see WorkerPool)
        final int worker = workers.acquire(kind, affinity, sessionWorker);
        if (worker == WorkerPool.NONE)
        {
            return false;
        }
        final long channelId = channels.allocate(kind, worker, index);
        if (channelId == ChannelId.NONE)
        {
            workers.unacquire(worker, kind);
            return false;
        }
        scrubIfWritten(channelId);
        final int slot = ChannelId.slot(channelId);
        heldKinds[slot] = kind;
        heldIncarnations[slot] = workers.incarnation(worker);
        bySlot[slot] = connection;
        connection.onChannel(channelId, worker, end(slot, worker));
        return true;
    }

    /**
     * A FREE slot is no worker's: frames in it were written by a worker into a channel not its own.
     */
    private void scrubIfWritten(final long channelId)
    {
        if (!channels.isOutboundEmpty(channelId))
        {
            // whoever wrote there cannot be named: every worker maps every ring
            LOG.warn("I/O thread {}: channel {} held frames while FREE (a worker wrote to a channel that is not its own);" +
                " scrubbed it", index, ChannelId.toString(channelId));
            channels.scrub(channelId);
        }
    }

    private ChannelEnd end(final int slot, final int worker)
    {
        ChannelEnd[] perWorker = ends[slot];
        if (perWorker == null)
        {
            perWorker = new ChannelEnd[workers.slotCount()];
            ends[slot] = perWorker;
        }
        ChannelEnd end = perWorker[worker];
        if (end == null)
        {
            end = ChannelEnd.forCm(segment, slot, worker);
            perWorker[worker] = end;
        }
        return end;
    }

    /**
     * A connection is done with its channel: CLOSING now, released (and the slot reused) once the worker
     * has marked the generation done, so that a worker still finishing cannot meet the slot's next request.
     * The worker's mark rings this thread's doorbell.
     */
    void retire(final long channelId, final int worker, final ChannelEnd end)
    {
        final int slot = ChannelId.slot(channelId);
        if (bySlot[slot] != null && bySlot[slot].channelId() == channelId)
        {
            bySlot[slot] = null;
        }
        workers.channelClosed(worker);
        if (isHeldByCutOff(channelId, worker))
        {
            // a rogue may mark the channel done and write on: it is freed once the process is gone
            holdUntilDead(channelId, worker);
            return;
        }
        final String wrong = channels.checkHeld(channelId, heldKinds[slot], worker, index);
        if (wrong != null)
        {
            reportBadWorker(worker, channelId, wrong);
            holdUntilDead(channelId, worker);
            return;
        }
        channels.beginClose(channelId);
        if (channels.isWorkerDone(channelId))
        {
            channels.release(channelId);
            return;
        }
        holdUntilDead(channelId, worker);
        if (end != null)
        {
            // the worker learns of CLOSING from its doorbell
            end.signalPeer();
        }
    }

    void beginClose(final long channelId)
    {
        channels.beginClose(channelId);
    }

    /**
     * Keeps a channel out of the free list until its worker marks it done ({@link #releaseRetired}), or,
     * for a cut-off worker, until the worker is gone ({@link #workerLost}).
     */
    private void holdUntilDead(final long channelId, final int worker)
    {
        retiringIds[retiringCount] = channelId;
        retiringWorkers[retiringCount] = worker;
        retiringCount++;
    }

    void sessionClosed(final int worker)
    {
        workers.sessionClosed(worker);
    }

    boolean hasRetiring()
    {
        return retiringCount > 0;
    }

    /**
     * @return channels released because their worker marked them done.
     */
    int releaseRetired()
    {
        int released = 0;
        for (int i = 0; i < retiringCount; )
        {
            final long id = retiringIds[i];
            final int worker = retiringWorkers[i];
            if (isHeldByCutOff(id, worker))
            {
                i++;
                continue;
            }
            final String wrong = channels.checkHeld(id, heldKinds[ChannelId.slot(id)], worker, index);
            if (wrong != null)
            {
                // stays in the list, held until the worker is gone
                reportBadWorker(worker, id, wrong);
                i++;
                continue;
            }
            if (channels.isWorkerDone(id))
            {
                channels.release(id);
                removeRetiring(i);
                released++;
            }
            else
            {
                i++;
            }
        }
        return released;
    }

    private void removeRetiring(final int i)
    {
        retiringCount--;
        retiringIds[i] = retiringIds[retiringCount];
        retiringWorkers[i] = retiringWorkers[retiringCount];
    }

    /**
     * The worker in {@code slot}, its {@code incarnation}, wrote garbage (found here or on another thread):
     * its requests here fail now and none of its rings is read again; its channels are held until it is dead.
     */
    void cutOff(final int slot, final int incarnation)
    {
        if (incarnation != workers.incarnation(slot))
        {
            // the worker died and was replaced since: its channels were reclaimed already
            return;
        }
        condemnedIncarnation[slot] = incarnation;
        for (int channel = 0; channel < bySlot.length; channel++)
        {
            final Connection connection = bySlot[channel];
            if (connection != null && connection.workerSlot() == slot)
            {
                final long id = connection.channelId();
                forget(channel, connection, slot);
                holdUntilDead(id, slot);
                tellLost(connection);
            }
        }
    }

    /**
     * The worker in {@code slot}, its {@code incarnation}, died: its channels are reclaimed whatever it left
     * in them, and its connections told. Only what was given to that incarnation: a replacement in the same
     * slot may have been given requests already.
     */
    void workerLost(final int slot, final int incarnation)
    {
        for (int channel = 0; channel < bySlot.length; channel++)
        {
            final Connection connection = bySlot[channel];
            if (connection != null && connection.workerSlot() == slot && heldIncarnations[channel] == incarnation)
            {
                reclaim(connection.channelId(), slot);
                forget(channel, connection, slot);
                tellLost(connection);
            }
        }
        for (int i = 0; i < retiringCount; )
        {
            if (retiringWorkers[i] == slot && heldIncarnations[ChannelId.slot(retiringIds[i])] == incarnation)
            {
                reclaim(retiringIds[i], slot);
                removeRetiring(i);
            }
            else
            {
                i++;
            }
        }
    }

    private void forget(final int channel, final Connection connection, final int worker)
    {
        bySlot[channel] = null;
        workers.channelClosed(worker);
        if (connection.channelKind() == ChannelKind.RPC)
        {
            workers.sessionClosed(worker);
        }
    }

    private void tellLost(final Connection connection)
    {
        try
        {
            connection.onWorkerLost();
        }
        catch (final Throwable ex)
        {
            failures.failed(connection, ex);
        }
    }

    /**
     * Frees a channel of a dead worker whatever the worker left in its slot; what it left wrong is logged.
     */
    private void reclaim(final long channelId, final int worker)
    {
        final String wrong = channels.reclaim(channelId);
        if (wrong != null)
        {
            LOG.warn("worker {} left channel {} rewritten ({}); reclaimed it", worker, ChannelId.toString(channelId), wrong);
        }
    }

    /**
     * Checks the slot words of every channel in flight against what its worker may write (see
     * {@link ChannelTable#checkHeld}). On the timer, not per frame: a worker that rewrites its channel's
     * generation makes its own runtime stop writing to it, so without this look the request would wait
     * for its timeout.
     */
    void audit()
    {
        for (int slot = 0; slot < bySlot.length; slot++)
        {
            final Connection connection = bySlot[slot];
            if (connection != null && !isCutOff(connection.workerSlot()))
            {
                final String wrong = channels.checkHeld(
                    connection.channelId(), connection.channelKind(), connection.workerSlot(), index);
                if (wrong != null)
                {
                    try
                    {
                        connection.onWorkerFault(wrong);
                    }
                    catch (final Throwable ex)
                    {
                        failures.failed(connection, ex);
                    }
                }
            }
        }
    }

    /**
     * A worker wrote what no correct worker writes: logs it with the channel and cuts the worker off (here
     * at once, on the other threads through the handler). The worker is the incarnation the channel was given
     * to: garbage found in an earlier incarnation's channel after its replacement announced READY (this thread
     * not yet told the earlier one died) is that one's, and its channels are reclaimed when that news comes.
     */
    void reportBadWorker(final int worker, final long channelId, final String what)
    {
        final int held = heldIncarnations[ChannelId.slot(channelId)];
        if (held != workers.incarnation(worker))
        {
            LOG.error("worker {} (incarnation {}, replaced since) wrote garbage on channel {} (slot/generation): {}; " +
                "the channel is reclaimed once that process is known gone", worker, held, ChannelId.toString(channelId),
                what);
            return;
        }
        final boolean first = !isCutOff(worker);
        LOG.error("worker {} wrote garbage on channel {} (slot/generation): {}; {}", worker,
            ChannelId.toString(channelId), what, first ? "cutting the worker off" : "already cut off");
        if (first)
        {
            condemnedIncarnation[worker] = held;
            faultHandler.onWorkerFault(worker, held, "channel " + ChannelId.toString(channelId) + ": " + what);
        }
    }

    boolean isCutOff(final int worker)
    {
        return condemnedIncarnation[worker] == workers.incarnation(worker);
    }

    /**
     * @return whether the incarnation {@code channelId} was given to is the one cut off, whether or not it still
     * serves: what it left in the channel is not to be trusted, and the channel waits for the process to be gone.
     */
    private boolean isHeldByCutOff(final long channelId, final int worker)
    {
        return condemnedIncarnation[worker] == heldIncarnations[ChannelId.slot(channelId)];
    }

    /**
     * @return whether any channel is held or retiring (a request or session in flight).
     */
    boolean hasChannelsInFlight()
    {
        for (final Connection connection : bySlot)
        {
            if (connection != null)
            {
                return true;
            }
        }
        return retiringCount > 0;
    }
}
