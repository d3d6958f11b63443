package io.switchboard.cm.dispatch;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which workers take requests now, and how loaded each is: the open channels
 * the CM holds to it. Dispatch picks the least loaded READY worker; ties go to
 * the lowest slot after the last one picked, so equal load spreads round-robin.
 * <p>
 * Thread safety: read and updated by every I/O thread; readiness set by the
 * supervisor's thread.
 */
public final class WorkerPool
{
    /** What {@link #pick()} returns when no worker is READY. */
    public static final int NONE = -1;

    private final AtomicIntegerArray ready;
    private final AtomicIntegerArray openChannels;
    private final AtomicIntegerArray sessions;
    private final int slotCount;
    private int cursor;

    public WorkerPool(final int slotCount)
    {
        this.slotCount = slotCount;
        this.ready = new AtomicIntegerArray(slotCount);
        this.openChannels = new AtomicIntegerArray(slotCount);
        this.sessions = new AtomicIntegerArray(slotCount);
    }

    public void setReady(final int slot, final boolean isReady)
    {
        ready.set(slot, isReady ? 1 : 0);
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

    public void channelOpened(final int slot)
    {
        openChannels.incrementAndGet(slot);
    }

    public void channelClosed(final int slot)
    {
        openChannels.decrementAndGet(slot);
    }

    public void sessionOpened(final int slot)
    {
        sessions.incrementAndGet(slot);
    }

    public void sessionClosed(final int slot)
    {
        sessions.decrementAndGet(slot);
    }

    public int sessions(final int slot)
    {
        return sessions.get(slot);
    }

    public int openChannels(final int slot)
    {
        return openChannels.get(slot);
    }

    public int slotCount()
    {
        return slotCount;
    }
}
