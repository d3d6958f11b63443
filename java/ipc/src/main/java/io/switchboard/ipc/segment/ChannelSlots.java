package io.switchboard.ipc.segment;

import io.switchboard.ipc.memory.SharedBuffer;


/**
 * Initial contents of the channel slots of a new segment: every slot FREE
 * (state 0) at generation 0 (the free list is the CM's, in its heap: {@link ChannelFreeList}), with its ring
 * offsets written for the worker's convenience (the CM computes its own and
 * never trusts these).
 */
final class ChannelSlots
{
    private ChannelSlots()
    {
    }

    static void initialise(final SharedBuffer memory, final SegmentLayout layout)
    {
        final int count = layout.channelSlotCount();
        for (int slot = 0; slot < count; slot++)
        {
            final long offset = layout.channelSlotOffset(slot);
            memory.putInt(offset + ChannelSlotDescriptor.WORKER_SLOT_OFFSET, ChannelSlotDescriptor.NO_SLOT);
            // no generation is done before its worker says so; generations start at 0
            memory.putInt(offset + ChannelSlotDescriptor.WORKER_DONE_OFFSET, -1);
            memory.putLong(offset + ChannelSlotDescriptor.INBOUND_RING_OFFSET_OFFSET, layout.inboundRingOffset(slot));
            memory.putLong(offset + ChannelSlotDescriptor.OUTBOUND_RING_OFFSET_OFFSET, layout.outboundRingOffset(slot));
        }
    }
}
