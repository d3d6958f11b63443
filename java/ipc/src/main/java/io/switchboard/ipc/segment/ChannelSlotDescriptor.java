package io.switchboard.ipc.segment;

import io.switchboard.ipc.SharedMemory;

/**
 * Layout of one channel slot. Written by the CM (it allocates, opens and
 * releases channels); the worker reads it and may move OPEN to CLOSING.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 State (ChannelState)                          |  0
 *  +---------------------------------------------------------------+
 *  |                 Generation: +1 on every release                |  4
 *  +---------------------------------------------------------------+
 *  |                 Kind (ChannelKind)                            |  8
 *  +---------------------------------------------------------------+
 *  |                 Worker slot                                   |  12
 *  +---------------------------------------------------------------+
 *  |                 Owner: the CM doorbell of the outbound ring    |  16
 *  +---------------------------------------------------------------+
 *  |                 Reserved (padding; version 1: free link)       |  20
 *  +---------------------------------------------------------------+
 *  |                 Inbound ring offset (64 bits): CM to worker    |  24
 *  |                 Outbound ring offset (64 bits): worker to CM   |  32
 *  +---------------------------------------------------------------+
 *  |   Worker done: the generation the worker has finished with     |  40
 *  +---------------------------------------------------------------+
 *  |                 Reserved to 128 bytes                        ...  44
 *  +---------------------------------------------------------------+
 * </pre>
 * State and generation form one 64-bit word (state in the low half), so a
 * single CAS moves the state and checks the generation together.
 * <p>
 * Worker done is the release handshake: the CM closes a channel (CLOSING)
 * when it has the worker's final frame or wants to cancel, and releases the
 * slot for reuse only once the worker has written the channel's generation
 * here, promising never to touch its rings again. Without it a worker still
 * reading a finished channel could consume the next request written into the
 * reused slot, or race the CM's reset of the ring positions.
 */
public final class ChannelSlotDescriptor
{
    public static final int STATE_WORD_OFFSET = 0;
    public static final int KIND_OFFSET = 8;
    public static final int WORKER_SLOT_OFFSET = 12;
    public static final int OWNER_OFFSET = 16;
    /** Bytes 20..23 are reserved (they held the free list's link, layout version 1); they pad what follows. */
    public static final int RESERVED_OFFSET = 20;
    public static final int INBOUND_RING_OFFSET_OFFSET = 24;
    public static final int OUTBOUND_RING_OFFSET_OFFSET = 32;
    public static final int WORKER_DONE_OFFSET = 40;
    public static final int LENGTH = SharedMemory.PADDED_LENGTH;

    /** "No slot" in a free list link or the free list head ({@link ChannelFreeList}). */
    public static final int NO_SLOT = -1;

    /**
     * The free list head ({@link ChannelFreeList}) packs
     * a tag that every push and pop increments, against ABA, with the first
     * free slot.
     */
    public static long freeListHead(final int tag, final int slot)
    {
        return ((long)tag << 32) | (slot & 0xFFFF_FFFFL);
    }

    public static int freeListTag(final long head)
    {
        return (int)(head >>> 32);
    }

    public static int freeListSlot(final long head)
    {
        return (int)head;
    }

    /**
     * The state word packs the generation (high half) with the state (low half).
     */
    public static long stateWord(final int generation, final int state)
    {
        return ((long)generation << 32) | (state & 0xFFFF_FFFFL);
    }

    public static int generation(final long stateWord)
    {
        return (int)(stateWord >>> 32);
    }

    public static int state(final long stateWord)
    {
        return (int)stateWord;
    }

    private ChannelSlotDescriptor()
    {
    }
}
