package io.switchboard.ipc.segment;

import io.switchboard.ipc.doorbell.DoorbellDescriptor;
import io.switchboard.ipc.ring.RingDescriptor;

/**
 * The sizes that shape a segment, and every region's offset derived from them.
 * Both sides compute the offsets from the same four numbers; a worker checks
 * that the header agrees before it trusts anything.
 * <pre>
 *  +------------------------------+  0
 *  | Header                       |  SegmentHeaderDescriptor
 *  +------------------------------+  cmDoorbellsOffset
 *  | CM doorbells x cmDoorbells   |  DoorbellDescriptor: outbound frames, one per CM relay thread
 *  +------------------------------+  workerSlotsOffset
 *  | Worker slots x workers       |  WorkerSlotDescriptor, each with the worker's doorbell
 *  +------------------------------+  channelSlotsOffset
 *  | Channel slots x channels     |  ChannelSlotDescriptor
 *  +------------------------------+  ringsOffset (page aligned)
 *  | Ring pairs x channels        |  per channel: inbound ring, then outbound ring (RingDescriptor)
 *  +------------------------------+  segmentLength
 * </pre>
 *
 * @param workerSlotCount  worker processes that can attach at once.
 * @param channelSlotCount channels that can be open at once.
 * @param ringCapacity     data bytes of each ring, a power of two.
 * @param cmDoorbellCount  doorbells for outbound frames (CM relay threads).
 */
public record SegmentLayout(int workerSlotCount, int channelSlotCount, int ringCapacity, int cmDoorbellCount)
{
    public static final int MAX_WORKER_SLOTS = 1024;
    public static final int MAX_CHANNEL_SLOTS = 1 << 16;
    public static final int MAX_CM_DOORBELLS = 64;
    public static final long MAX_SEGMENT_LENGTH = 64L << 30;
    private static final int PAGE_LENGTH = 4096;

    /**
     * @throws IllegalArgumentException naming every number out of range.
     */
    public SegmentLayout
    {
        RingDescriptor.checkCapacity(ringCapacity);
        if (workerSlotCount < 1 || workerSlotCount > MAX_WORKER_SLOTS ||
            channelSlotCount < 1 || channelSlotCount > MAX_CHANNEL_SLOTS ||
            cmDoorbellCount < 1 || cmDoorbellCount > MAX_CM_DOORBELLS)
        {
            throw new IllegalArgumentException(
                "segment layout out of range: workerSlotCount=" + workerSlotCount + " (1.." + MAX_WORKER_SLOTS +
                ") channelSlotCount=" + channelSlotCount + " (1.." + MAX_CHANNEL_SLOTS +
                ") cmDoorbellCount=" + cmDoorbellCount + " (1.." + MAX_CM_DOORBELLS + ")");
        }

        final long length = ringsOffset(workerSlotCount, channelSlotCount, cmDoorbellCount) +
            (long)channelSlotCount * 2 * RingDescriptor.length(ringCapacity);
        if (length > MAX_SEGMENT_LENGTH)
        {
            throw new IllegalArgumentException(
                "segment too large: segmentLength=" + length + " max=" + MAX_SEGMENT_LENGTH +
                " (channelSlotCount=" + channelSlotCount + " ringCapacity=" + ringCapacity + ")");
        }
    }

    public int doorbellLength()
    {
        return DoorbellDescriptor.length(channelSlotCount);
    }

    public int workerSlotLength()
    {
        return WorkerSlotDescriptor.length(channelSlotCount);
    }

    public int channelSlotLength()
    {
        return ChannelSlotDescriptor.LENGTH;
    }

    public long ringLength()
    {
        return RingDescriptor.length(ringCapacity);
    }

    public long cmDoorbellsOffset()
    {
        return SegmentHeaderDescriptor.LENGTH;
    }

    public long workerSlotsOffset()
    {
        return cmDoorbellsOffset() + (long)cmDoorbellCount * doorbellLength();
    }

    public long channelSlotsOffset()
    {
        return workerSlotsOffset() + (long)workerSlotCount * workerSlotLength();
    }

    public long ringsOffset()
    {
        return ringsOffset(workerSlotCount, channelSlotCount, cmDoorbellCount);
    }

    public long segmentLength()
    {
        return ringsOffset() + (long)channelSlotCount * 2 * ringLength();
    }

    public long cmDoorbellOffset(final int doorbellIndex)
    {
        return cmDoorbellsOffset() + (long)doorbellIndex * doorbellLength();
    }

    public long workerSlotOffset(final int workerSlot)
    {
        return workerSlotsOffset() + (long)workerSlot * workerSlotLength();
    }

    public long channelSlotOffset(final int channelSlot)
    {
        return channelSlotsOffset() + (long)channelSlot * ChannelSlotDescriptor.LENGTH;
    }

    /**
     * @return offset of the CM-to-worker ring of a channel.
     */
    public long inboundRingOffset(final int channelSlot)
    {
        return ringsOffset() + (long)channelSlot * 2 * ringLength();
    }

    /**
     * @return offset of the worker-to-CM ring of a channel.
     */
    public long outboundRingOffset(final int channelSlot)
    {
        return inboundRingOffset(channelSlot) + ringLength();
    }

    private static long ringsOffset(final int workerSlotCount, final int channelSlotCount, final int cmDoorbellCount)
    {
        final long end = SegmentHeaderDescriptor.LENGTH +
            (long)cmDoorbellCount * DoorbellDescriptor.length(channelSlotCount) +
            (long)workerSlotCount * WorkerSlotDescriptor.length(channelSlotCount) +
            (long)channelSlotCount * ChannelSlotDescriptor.LENGTH;
        return (end + PAGE_LENGTH - 1) & -PAGE_LENGTH;
    }
}
