package io.switchboard.ipc.segment;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The free channel slots, in the CM's own heap: a lock-free stack (a Treiber
 * stack) whose head packs a tag with the first free slot; every push and pop
 * increments the tag, so a head popped and pushed back in between (ABA) fails
 * the CAS. O(1) however full the table is.
 * <pre>
 *   head (64 bits)                      next[]
 *  +----------------+----------------+   +----+----+----+----+
 *  |      tag       |   first slot   |   |  5 | -1 |  1 |  2 | ...
 *  +----------------+----------------+   +----+----+----+----+
 * </pre>
 * Why not in the segment, where it was: every worker maps the segment and may
 * write anywhere in it. A worker that rewrote the head or a link could make the
 * CM hand one slot to two requests at once (one client reading another's
 * response), or send the CM out of the table. Only the CM allocates, so the
 * list needs no sharing between processes; it is shared by the CM's I/O
 * threads through the {@link SharedSegment} that created the segment.
 * <p>
 * Thread-safe.
 */
public final class ChannelFreeList
{
    private final AtomicLong head;
    private final AtomicIntegerArray next;
    private final int slotCount;

    /**
     * @param slotCount every slot starts free, slot 0 first.
     */
    public ChannelFreeList(final int slotCount)
    {
        this.slotCount = slotCount;
        this.next = new AtomicIntegerArray(slotCount);
        for (int slot = 0; slot < slotCount; slot++)
        {
            next.set(slot, slot + 1 < slotCount ? slot + 1 : ChannelSlotDescriptor.NO_SLOT);
        }
        this.head = new AtomicLong(ChannelSlotDescriptor.freeListHead(0, slotCount > 0 ? 0 : ChannelSlotDescriptor.NO_SLOT));
    }

    /**
     * @return a free slot, now taken, or {@link ChannelSlotDescriptor#NO_SLOT}.
     */
    public int pop()
    {
        while (true)
        {
            final long current = head.get();
            final int slot = ChannelSlotDescriptor.freeListSlot(current);
            if (slot == ChannelSlotDescriptor.NO_SLOT)
            {
                return ChannelSlotDescriptor.NO_SLOT;
            }

            final int following = next.get(slot);
            if (head.compareAndSet(
                current, ChannelSlotDescriptor.freeListHead(ChannelSlotDescriptor.freeListTag(current) + 1, following)))
            {
                return slot;
            }

            Thread.onSpinWait();
        }
    }

    /**
     * Gives a slot back; the caller must hold it (pushing a free slot would hand it out twice).
     */
    public void push(final int slot)
    {
        if (slot < 0 || slot >= slotCount)
        {
            throw new IllegalArgumentException("channel slot out of range: slot=" + slot + " slotCount=" + slotCount);
        }
        while (true)
        {
            final long current = head.get();
            next.set(slot, ChannelSlotDescriptor.freeListSlot(current));
            if (head.compareAndSet(
                current, ChannelSlotDescriptor.freeListHead(ChannelSlotDescriptor.freeListTag(current) + 1, slot)))
            {
                return;
            }

            Thread.onSpinWait();
        }
    }
}
