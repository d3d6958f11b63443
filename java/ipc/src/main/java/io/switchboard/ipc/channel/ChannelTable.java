package io.switchboard.ipc.channel;

import io.switchboard.ipc.segment.ChannelFreeList;
import io.switchboard.ipc.segment.ChannelSlotDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;

import io.switchboard.ipc.memory.SharedBuffer;

import static io.switchboard.ipc.ring.RingDescriptor.HEAD_POSITION_OFFSET;
import static io.switchboard.ipc.ring.RingDescriptor.TAIL_POSITION_OFFSET;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.KIND_OFFSET;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.NO_SLOT;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.OWNER_OFFSET;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.STATE_WORD_OFFSET;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.WORKER_DONE_OFFSET;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.WORKER_SLOT_OFFSET;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.generation;
import static io.switchboard.ipc.segment.ChannelSlotDescriptor.stateWord;

/**
 * Allocates and releases the channel slots of a segment (layout in
 * {@link ChannelSlotDescriptor}).
 * <p>
 * Free slots are a {@link ChannelFreeList} in the CM's heap, shared by every
 * table made from the segment object that created the segment: a worker can
 * write anywhere in the segment, and a free list there let one send the CM
 * out of the table or hand one slot to two requests. Allocation is O(1).
 * <p>
 * Each slot's state and generation form one 64-bit word: OPEN to CLOSING and
 * CLOSING to FREE are CASes that also check the generation, so a stale channel
 * id (its slot released and reused since) changes nothing. Release increments
 * the generation.
 * <p>
 * Thread safety: {@link #allocate} and {@link #release} from any thread of the
 * CM (the only allocator); {@link #beginClose} from either side.
 */
public final class ChannelTable
{
    private final SharedSegment segment;
    private final SharedBuffer memory;
    private final SegmentLayout layout;
    private final int slotCount;
    private ChannelFreeList freeList;

    public ChannelTable(final SharedSegment segment)
    {
        this.segment = segment;
        this.memory = segment.memory();
        this.layout = segment.layout();
        this.slotCount = layout.channelSlotCount();
    }

    /**
     * Takes a free slot and opens it.
     *
     * @param kind       what the channel carries.
     * @param workerSlot the worker at the other end.
     * @param owner      the CM doorbell the worker rings for outbound frames.
     * @return the new channel's id, or {@link ChannelId#NONE} when every slot is in use.
     */
    public long allocate(final ChannelKind kind, final int workerSlot, final int owner)
    {
        final int slot = pop();
        if (slot == NO_SLOT)
        {
            return ChannelId.NONE;
        }

        final long slotOffset = layout.channelSlotOffset(slot);
        final long word = memory.getLongVolatile(slotOffset + STATE_WORD_OFFSET);
        final int generation = generation(word);
        memory.putInt(slotOffset + KIND_OFFSET, kind.code());
        memory.putInt(slotOffset + WORKER_SLOT_OFFSET, workerSlot);
        memory.putInt(slotOffset + OWNER_OFFSET, owner);
        // release: the worker that sees OPEN sees the kind, worker and owner written above
        memory.putLongRelease(slotOffset + STATE_WORD_OFFSET, stateWord(generation, ChannelState.OPEN));
        return ChannelId.of(slot, generation);
    }

    /**
     * Moves an open channel to CLOSING.
     *
     * @return false if the id is stale or the channel was not OPEN.
     */
    public boolean beginClose(final long channelId)
    {
        final int slot = checkSlot(channelId);
        final int generation = ChannelId.generation(channelId);
        return memory.compareAndSetLong(layout.channelSlotOffset(slot) + STATE_WORD_OFFSET,
            stateWord(generation, ChannelState.OPEN), stateWord(generation, ChannelState.CLOSING));
    }

    /**
     * Frees a channel (OPEN or CLOSING): discards whatever its rings still hold,
     * increments the generation and returns the slot to the free list. The
     * peer must be done with the rings (it acknowledged the close, or it is dead).
     *
     * @return false if the id is stale (released already), true if this call released it.
     */
    public boolean release(final long channelId)
    {
        final int slot = checkSlot(channelId);
        final int generation = ChannelId.generation(channelId);
        final long stateOffset = layout.channelSlotOffset(slot) + STATE_WORD_OFFSET;
        final long word = memory.getLongVolatile(stateOffset);
        final int state = ChannelSlotDescriptor.state(word);
        if (generation(word) != generation || (state != ChannelState.OPEN && state != ChannelState.CLOSING))
        {
            return false;
        }

        discard(layout.inboundRingOffset(slot));
        discard(layout.outboundRingOffset(slot));

        if (!memory.compareAndSetLong(stateOffset, word, stateWord(generation + 1, ChannelState.FREE)))
        {
            return false;
        }

        push(slot);
        return true;
    }

    /**
     * CM, for a channel it holds whose worker is dead (or cut off and killed):
     * frees the slot whatever its words say now, because that worker may have
     * scribbled on them, and {@link #release} would then refuse and leak the
     * slot. Only for an id the CM allocated and has not released: pushing a
     * slot twice would hand it to two requests.
     *
     * @return what was wrong with the slot's words, or null if they were as the CM left them.
     */
    public String reclaim(final long channelId)
    {
        final int slot = checkSlot(channelId);
        final int generation = ChannelId.generation(channelId);
        final String wrong = checkHeld(channelId);
        discard(layout.inboundRingOffset(slot));
        discard(layout.outboundRingOffset(slot));
        memory.putLongRelease(layout.channelSlotOffset(slot) + STATE_WORD_OFFSET, stateWord(generation + 1, ChannelState.FREE));
        push(slot);
        return wrong;
    }

    /**
     * CM: checks a channel it holds against what the worker may write there: the
     * state word keeps the channel's generation and is OPEN or CLOSING, the
     * worker-done mark names this generation or an older one, and the fields only
     * the CM writes (kind, worker, owner) are as allocated.
     *
     * @return what is wrong, for the log, or null.
     */
    public String checkHeld(final long channelId, final ChannelKind kind, final int workerSlot, final int owner)
    {
        final String wrong = checkHeld(channelId);
        if (wrong != null)
        {
            return wrong;
        }
        final long slotOffset = layout.channelSlotOffset(checkSlot(channelId));
        final int foundKind = memory.getInt(slotOffset + KIND_OFFSET);
        final int foundWorker = memory.getInt(slotOffset + WORKER_SLOT_OFFSET);
        final int foundOwner = memory.getInt(slotOffset + OWNER_OFFSET);
        if (foundKind != kind.code() || foundWorker != workerSlot || foundOwner != owner)
        {
            return "channel slot fields rewritten: kind=" + foundKind + " (was " + kind.code() + ") workerSlot=" +
                foundWorker + " (was " + workerSlot + ") owner=" + foundOwner + " (was " + owner + ")";
        }
        return null;
    }

    private String checkHeld(final long channelId)
    {
        final long slotOffset = layout.channelSlotOffset(checkSlot(channelId));
        final int generation = ChannelId.generation(channelId);
        final long word = memory.getLongAcquire(slotOffset + STATE_WORD_OFFSET);
        final int state = ChannelSlotDescriptor.state(word);
        if (generation(word) != generation || (state != ChannelState.OPEN && state != ChannelState.CLOSING))
        {
            return "channel state word rewritten: generation=" + generation(word) + " state=" +
                ChannelState.name(state) + " (held: generation=" + generation + ", OPEN or CLOSING)";
        }
        final int done = memory.getIntAcquire(slotOffset + WORKER_DONE_OFFSET);
        if (done - generation > 0)
        {
            return "worker-done mark ahead of the channel: workerDone=" + done + " generation=" + generation;
        }
        return null;
    }

    /**
     * CM, for a slot it has just allocated: whether the outbound ring is as the
     * last release left it (empty). A FREE slot belongs to no worker, so bytes
     * published there came from a process writing where it has no business;
     * {@link #scrub} makes the slot safe before any worker is told of it.
     */
    public boolean isOutboundEmpty(final long channelId)
    {
        final long ringOffset = layout.outboundRingOffset(checkSlot(channelId));
        return memory.getLongAcquire(ringOffset + TAIL_POSITION_OFFSET) ==
            memory.getLongAcquire(ringOffset + HEAD_POSITION_OFFSET);
    }

    /**
     * CM, for a slot it has just allocated and told no worker of: resets both rings to empty at position 0.
     */
    public void scrub(final long channelId)
    {
        final int slot = checkSlot(channelId);
        for (final long ringOffset : new long[]{layout.inboundRingOffset(slot), layout.outboundRingOffset(slot)})
        {
            memory.putLongRelease(ringOffset + TAIL_POSITION_OFFSET, 0L);
            memory.putLongRelease(ringOffset + HEAD_POSITION_OFFSET, 0L);
        }
    }

    /**
     * Worker: promises never to touch this channel's rings again (the release
     * handshake, see {@link ChannelSlotDescriptor}).
     */
    public void markWorkerDone(final long channelId)
    {
        final int slot = checkSlot(channelId);
        memory.putIntRelease(layout.channelSlotOffset(slot) + WORKER_DONE_OFFSET, ChannelId.generation(channelId));
    }

    /**
     * CM: whether the worker is done with this channel, so that it may be released and reused.
     */
    public boolean isWorkerDone(final long channelId)
    {
        final int slot = checkSlot(channelId);
        return memory.getIntAcquire(layout.channelSlotOffset(slot) + WORKER_DONE_OFFSET) ==
            ChannelId.generation(channelId);
    }

    /**
     * @return whether the id names the slot's current channel and it is OPEN or CLOSING (not yet released).
     */
    public boolean isCurrent(final long channelId)
    {
        final int slot = ChannelId.slot(channelId);
        if (slot < 0 || slot >= slotCount)
        {
            return false;
        }

        final long word = memory.getLongAcquire(layout.channelSlotOffset(slot) + STATE_WORD_OFFSET);
        return generation(word) == ChannelId.generation(channelId) &&
            ChannelSlotDescriptor.state(word) != ChannelState.FREE;
    }

    /**
     * @return whether the id names the slot's current, open channel.
     */
    public boolean isOpen(final long channelId)
    {
        final int slot = ChannelId.slot(channelId);
        if (slot < 0 || slot >= slotCount)
        {
            return false;
        }

        final long word = memory.getLongAcquire(layout.channelSlotOffset(slot) + STATE_WORD_OFFSET);
        return word == stateWord(ChannelId.generation(channelId), ChannelState.OPEN);
    }

    /**
     * @return the id of whatever occupies a slot now (for a worker that learnt the slot from a doorbell).
     */
    public long currentId(final int slot)
    {
        final long word = memory.getLongAcquire(layout.channelSlotOffset(checkSlotIndex(slot)) + STATE_WORD_OFFSET);
        return ChannelId.of(slot, generation(word));
    }

    /**
     * @return the slot's state word: its generation and state from one load ({@link ChannelSlotDescriptor#generation},
     * {@link ChannelSlotDescriptor#state}). {@link #currentId} then {@link #state} are two loads, and the slot may be
     * released and given to another request between them.
     */
    public long slotWord(final int slot)
    {
        return memory.getLongAcquire(layout.channelSlotOffset(checkSlotIndex(slot)) + STATE_WORD_OFFSET);
    }

    public int state(final int slot)
    {
        return ChannelSlotDescriptor.state(memory.getLongAcquire(layout.channelSlotOffset(checkSlotIndex(slot)) + STATE_WORD_OFFSET));
    }

    public ChannelKind kind(final int slot)
    {
        return ChannelKind.of(memory.getInt(layout.channelSlotOffset(checkSlotIndex(slot)) + KIND_OFFSET));
    }

    public int workerSlot(final int slot)
    {
        return memory.getInt(layout.channelSlotOffset(checkSlotIndex(slot)) + WORKER_SLOT_OFFSET);
    }

    public int owner(final int slot)
    {
        return memory.getInt(layout.channelSlotOffset(checkSlotIndex(slot)) + OWNER_OFFSET);
    }

    /**
     * Counts slots not FREE. Scans the table: for monitoring and tests, not the hot path.
     */
    public int inUseCount()
    {
        int count = 0;
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (state(slot) != ChannelState.FREE)
            {
                count++;
            }
        }

        return count;
    }

    public int slotCount()
    {
        return slotCount;
    }

    private int pop()
    {
        // whatever a worker wrote into a FREE slot's state word, allocate() overwrites it
        return freeList().pop();
    }

    private void push(final int slot)
    {
        freeList().push(slot);
    }

    private ChannelFreeList freeList()
    {
        ChannelFreeList list = freeList;
        if (list == null)
        {
            list = segment.channelFreeList();
            freeList = list;
        }
        return list;
    }

    private void discard(final long ringOffset)
    {
        final long tail = memory.getLongAcquire(ringOffset + TAIL_POSITION_OFFSET);
        memory.putLongRelease(ringOffset + HEAD_POSITION_OFFSET, tail);
    }

    private int checkSlot(final long channelId)
    {
        return checkSlotIndex(ChannelId.slot(channelId));
    }

    private int checkSlotIndex(final int slot)
    {
        if (slot < 0 || slot >= slotCount)
        {
            throw new IllegalArgumentException("channel slot out of range: slot=" + slot + " slotCount=" + slotCount);
        }

        return slot;
    }
}
