package io.switchboard.ipc.segment;

import io.switchboard.ipc.SharedMemory;

import java.lang.foreign.MemorySegment;

import static io.switchboard.ipc.SharedMemory.INT;
import static io.switchboard.ipc.SharedMemory.LONG;

/**
 * Initial contents of the channel slots of a new segment: every slot FREE
 * (state 0) at generation 0, linked in order into the free list, with its ring
 * offsets written for the worker's convenience (the CM computes its own and
 * never trusts these).
 */
final class ChannelSlots
{
    private ChannelSlots()
    {
    }

    static void initialise(final MemorySegment memory, final SegmentLayout layout)
    {
        final int count = layout.channelSlotCount();
        for (int slot = 0; slot < count; slot++)
        {
            final long offset = layout.channelSlotOffset(slot);
            memory.set(INT, offset + ChannelSlotDescriptor.NEXT_FREE_OFFSET,
                slot + 1 < count ? slot + 1 : ChannelSlotDescriptor.NO_SLOT);
            memory.set(INT, offset + ChannelSlotDescriptor.WORKER_SLOT_OFFSET, ChannelSlotDescriptor.NO_SLOT);
            // no generation is done before its worker says so; generations start at 0
            memory.set(INT, offset + ChannelSlotDescriptor.WORKER_DONE_OFFSET, -1);
            memory.set(LONG, offset + ChannelSlotDescriptor.INBOUND_RING_OFFSET_OFFSET, layout.inboundRingOffset(slot));
            memory.set(LONG, offset + ChannelSlotDescriptor.OUTBOUND_RING_OFFSET_OFFSET, layout.outboundRingOffset(slot));
        }

        SharedMemory.LONG_HANDLE.setRelease(
            memory, (long)SegmentHeaderDescriptor.CHANNEL_FREE_LIST_OFFSET, ChannelSlotDescriptor.freeListHead(0, 0));
    }
}
