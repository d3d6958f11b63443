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
    private final AtomicIntegerArray incarnations;
    private final int slotCount;
    private int cursor;

    public WorkerPool(final int slotCount)
    {
        this.slotCount = slotCount;
        this.ready = new AtomicIntegerArray(slotCount);
        this.openChannels = new AtomicIntegerArray(slotCount);
        this.incarnations = new AtomicIntegerArray(slotCount);
    }

    /**
     * @param isReady true when a (new) worker process in the slot is READY: it begins a new incarnation.
     */
    public void setReady(final int slot, final boolean isReady)
    {
        if (isReady)
        {
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
        int best = NONE;
        int bestLoad = Integer.MAX_VALUE;
        final int start = cursor;
        for (int i = 0; i < slotCount; i++)
        {
            final int slot = (start + i) % slotCount;
            if (ready.get(slot) == 1)
            {
                final int load = openChannels.get(slot);
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

    public int openChannels(final int slot)
    {
        return openChannels.get(slot);
    }

    public int slotCount()
    {
        return slotCount;
    }
}
