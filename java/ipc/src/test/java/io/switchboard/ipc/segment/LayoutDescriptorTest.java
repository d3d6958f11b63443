package io.switchboard.ipc.segment;

import io.switchboard.ipc.doorbell.DoorbellDescriptor;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingDescriptor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins every offset of the shared layout: a change here is a change of the
 * layout version, which both sides must agree on.
 */
class LayoutDescriptorTest
{
    @Test
    void shouldPinTheHeader()
    {
        assertEquals(0x314452414F425753L, SegmentHeaderDescriptor.MAGIC);
        assertEquals(3, SegmentHeaderDescriptor.LAYOUT_VERSION);
        assertEquals(8, SegmentHeaderDescriptor.LAYOUT_VERSION_OFFSET);
        assertEquals(16, SegmentHeaderDescriptor.SEGMENT_LENGTH_OFFSET);
        assertEquals(40, SegmentHeaderDescriptor.RING_CAPACITY_OFFSET);
        assertEquals(88, SegmentHeaderDescriptor.CM_PID_OFFSET);
        assertEquals(96, SegmentHeaderDescriptor.CM_START_TIME_OFFSET);
        assertEquals(104, SegmentHeaderDescriptor.INSTANCE_EPOCH_OFFSET);
        assertEquals(128, SegmentHeaderDescriptor.CM_HEARTBEAT_OFFSET);
        assertEquals(256, SegmentHeaderDescriptor.LENGTH);
    }

    @Test
    void shouldPinTheSlotsRingsAndFrames()
    {
        assertEquals(128, WorkerSlotDescriptor.HEARTBEAT_OFFSET);
        assertEquals(256, WorkerSlotDescriptor.DOORBELL_OFFSET);
        assertEquals(128, ChannelSlotDescriptor.LENGTH);
        assertEquals(24, ChannelSlotDescriptor.INBOUND_RING_OFFSET_OFFSET);
        assertEquals(40, ChannelSlotDescriptor.WORKER_DONE_OFFSET);
        assertEquals(0, RingDescriptor.TAIL_POSITION_OFFSET);
        assertEquals(128, RingDescriptor.HEAD_POSITION_OFFSET);
        assertEquals(256, RingDescriptor.SPACE_EVENT_COUNT_OFFSET);
        assertEquals(384, RingDescriptor.HEADER_LENGTH);
        assertEquals(8, FrameDescriptor.HEADER_LENGTH);
        assertEquals(128, DoorbellDescriptor.BITMAP_OFFSET);
        assertEquals(192, DoorbellDescriptor.length(1));
        assertEquals(192, DoorbellDescriptor.length(512));
        assertEquals(256, DoorbellDescriptor.length(513));
    }

    @Test
    void shouldAlignEveryRegion()
    {
        final SegmentLayout layout = new SegmentLayout(3, 77, 8192, 2);
        assertEquals(256, layout.cmDoorbellsOffset());
        assertEquals(256 + 2 * 192, layout.workerSlotsOffset());
        assertEquals(layout.workerSlotsOffset() + 3 * (256 + 192), layout.channelSlotsOffset());
        assertEquals(0, layout.ringsOffset() % 4096);
        assertEquals(0, layout.inboundRingOffset(5) % 128);
        assertEquals(layout.inboundRingOffset(5) + 384 + 8192, layout.outboundRingOffset(5));
        assertEquals(layout.ringsOffset() + 77L * 2 * (384 + 8192), layout.segmentLength());
    }
}
