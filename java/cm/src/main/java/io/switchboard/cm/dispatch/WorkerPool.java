package io.switchboard.cm.dispatch;

import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.cm.supervisor.WorkerLoad;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which workers take requests now, and how loaded each is: the open channels
 * the CM holds to it, and of those the distributed sessions. A request goes to
 * the READY worker with the fewest open channels, a session to the one with the
 * fewest sessions; ties go to the lowest slot after the last one picked, so
 * equal load spreads round-robin.
 * <p>
 * A worker being drained is made not ready and then waited for until its open
 * channels reach zero; {@link #acquire()} counts the channel <em>before</em> it
 * looks at readiness again, so the drainer and a dispatcher cannot both miss
 * each other (each writes, then reads the other's word; all accesses are volatile,
 * hence sequentially consistent).
 * <p>
 * Thread safety: read and updated by every I/O thread; readiness set by the
 * supervisor's thread.
 */
public final class WorkerPool implements WorkerLoad
{
    /** What the picks return when no worker is READY. */
    public static final int NONE = -1;

    private final AtomicIntegerArray ready;
    private final AtomicIntegerArray openChannels;
    private final AtomicIntegerArray sessions;
    private final AtomicLongArray dispatched;
    private final AtomicIntegerArray incarnations;
    private final int slotCount;
    private int cursor;

    public WorkerPool(final int slotCount)
    {
        this.slotCount = slotCount;
        this.ready = new AtomicIntegerArray(slotCount);
        this.openChannels = new AtomicIntegerArray(slotCount);
        this.sessions = new AtomicIntegerArray(slotCount);
        this.dispatched = new AtomicLongArray(slotCount);
        this.incarnations = new AtomicIntegerArray(slotCount);
    }

    /**
     * Supervisor: a new worker in {@code slot} is ready (its request count starts at zero, and it begins a new
     * incarnation), or a worker is not to be given requests any more.
     */
    public void setReady(final int slot, final boolean isReady)
    {
        if (isReady)
        {
            dispatched.set(slot, 0);
            incarnations.incrementAndGet(slot);
        }
        ready.set(slot, isReady ? 1 : 0);
    }

    /**
     * @return which of the processes that served in {@code slot} serves now: +1 per worker announced READY, so a
     * fault reported against one process is never held against its replacement.
     */
    public int incarnation(final int slot)
    {
        return incarnations.get(slot);
    }

    public boolean isReady(final int slot)
    {
        return ready.get(slot) == 1;
    }

    /**
     * @return the least loaded READY worker slot, or {@link #NONE}.
     */
    public int pick()
    {
        return pickLeast(openChannels);
    }

    private int pickFor(final int sessionWorker)
    {
        // a worker named by a forged or stale id (out of range, not READY) is no reason to refuse the request
        return sessionWorker >= 0 && sessionWorker < slotCount && ready.get(sessionWorker) == 1 ? sessionWorker : pick();
    }

    /**
     * For a distributed session, which holds its worker's attention for long: the READY worker
     * with the fewest sessions open.
     *
     * @return a worker slot, or {@link #NONE}.
     */
    public int pickFewestSessions()
    {
        return pickLeast(sessions);
    }

    private int pickByAffinity(final String affinity)
    {
        int readyCount = 0;
        for (int slot = 0; slot < slotCount; slot++)
        {
            readyCount += ready.get(slot);
        }
        if (readyCount == 0)
        {
            return NONE;
        }
        int nth = Math.floorMod(affinity.hashCode(), readyCount);
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (ready.get(slot) == 1 && nth-- == 0)
            {
                return slot;
            }
        }
        // readiness changed while we counted: any ready worker will do
        return pickFewestSessions();
    }

    private int pickLeast(final AtomicIntegerArray loads)
    {
        int best = NONE;
        int bestLoad = Integer.MAX_VALUE;
        final int start = cursor;
        for (int i = 0; i < slotCount; i++)
        {
            final int slot = (start + i) % slotCount;
            if (ready.get(slot) == 1)
            {
                final int load = loads.get(slot);
                if (load < bestLoad)
                {
                    best = slot;
                    bestLoad = load;
                }
            }
        }
        if (best != NONE)
        {
            cursor = best + 1;
        }
        return best;
    }

    /**
     * Picks a worker for a channel of {@code kind} and counts the channel, and the request or session, as
     * given to it: a request goes to the least loaded READY worker; a session to the READY worker with the
     * fewest sessions, or, with an {@code affinity}, to the same READY worker as other sessions naming it,
     * as long as the set of READY workers does not change (the demo's chat room lives in one worker). The
     * caller gives the channel back with {@link #channelClosed} (and a session with {@link #sessionClosed}),
     * or, when it found no channel after all, with {@link #unacquire}.
     *
     * @param affinity a session's affinity key, or null.
     * @return the worker's slot, or {@link #NONE}.
     */
    public int acquire(final ChannelKind kind, final String affinity)
    {
        return acquire(kind, affinity, NONE);
    }

    /**
     * As {@link #acquire(ChannelKind, String)}, for a request whose HTTP session lives in worker
     * {@code sessionWorker} (sticky sessions): that worker while it is READY, else the least loaded.
     *
     * @param sessionWorker the slot the request's session id names, or {@link #NONE}.
     */
    public int acquire(final ChannelKind kind, final String affinity, final int sessionWorker)
    {
        for (int attempt = 0; attempt < slotCount; attempt++)
        {
            final int slot = kind != ChannelKind.RPC ? pickFor(sessionWorker) :
                affinity == null ? pickFewestSessions() : pickByAffinity(affinity);
            if (slot == NONE)
            {
                return NONE;
            }
            openChannels.incrementAndGet(slot);
            if (ready.get(slot) == 1)
            {
                if (kind == ChannelKind.RPC)
                {
                    sessions.incrementAndGet(slot);
                }
                else
                {
                    dispatched.incrementAndGet(slot);
                }
                return slot;
            }
            // began draining between the pick and the count: its drainer may have seen zero already
            openChannels.decrementAndGet(slot);
        }
        return NONE;
    }

    /**
     * Undoes an {@link #acquire} that found no channel.
     */
    public void unacquire(final int slot, final ChannelKind kind)
    {
        if (kind == ChannelKind.RPC)
        {
            sessions.decrementAndGet(slot);
        }
        else
        {
            dispatched.decrementAndGet(slot);
        }
        openChannels.decrementAndGet(slot);
    }

    public void channelClosed(final int slot)
    {
        openChannels.decrementAndGet(slot);
    }

    public void sessionClosed(final int slot)
    {
        sessions.decrementAndGet(slot);
    }

    /**
     * {@inheritDoc}
     */
    public int sessions(final int slot)
    {
        return sessions.get(slot);
    }

    /**
     * {@inheritDoc}
     */
    public int openChannels(final int slot)
    {
        return openChannels.get(slot);
    }

    /**
     * {@inheritDoc}
     */
    public long requestsDispatched(final int slot)
    {
        return dispatched.get(slot);
    }

    public int slotCount()
    {
        return slotCount;
    }
}
