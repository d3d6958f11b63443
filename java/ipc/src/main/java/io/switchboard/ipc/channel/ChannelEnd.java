package io.switchboard.ipc.channel;

import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.ring.RingReader;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlotDescriptor;

/**
 * One side of a channel: the ring it writes, the ring it reads, and the
 * doorbell of the peer it rings after publishing. The CM writes the inbound
 * ring and rings the worker's doorbell; the worker writes the outbound ring and
 * rings the CM doorbell that owns the channel.
 * <pre>
 *            inbound ring (CM writes)         worker's doorbell
 *      CM  ----------------------------->  worker
 *          <-----------------------------
 *            outbound ring (worker writes)    CM doorbell [owner]
 * </pre>
 * Views are made once per slot and kept: {@link #resync()} when the slot is
 * reused. Not thread-safe: one thread writes and one reads (they may differ).
 */
public final class ChannelEnd
{
    private final int slot;
    private final RingWriter writer;
    private final RingReader reader;
    private final Doorbell peerDoorbell;

    private ChannelEnd(final int slot, final RingWriter writer, final RingReader reader, final Doorbell peerDoorbell)
    {
        this.slot = slot;
        this.writer = writer;
        this.reader = reader;
        this.peerDoorbell = peerDoorbell;
    }

    /**
     * The CM's end of channel slot {@code slot}, whose worker is {@code workerSlot}.
     */
    public static ChannelEnd forCm(final SharedSegment segment, final int slot, final int workerSlot)
    {
        final SegmentLayout layout = segment.layout();
        final int capacity = layout.ringCapacity();
        final Doorbell workerDoorbell = new Doorbell(
            segment.memory(),
            layout.workerSlotOffset(workerSlot) + WorkerSlotDescriptor.DOORBELL_OFFSET,
            layout.channelSlotCount());
        return new ChannelEnd(
            slot,
            new RingWriter(segment.memory(), layout.inboundRingOffset(slot), capacity),
            new RingReader(segment.memory(), layout.outboundRingOffset(slot), capacity),
            workerDoorbell);
    }

    /**
     * The worker's end of channel slot {@code slot}, owned by CM doorbell {@code owner}.
     */
    public static ChannelEnd forWorker(final SharedSegment segment, final int slot, final int owner)
    {
        final SegmentLayout layout = segment.layout();
        final int capacity = layout.ringCapacity();
        return new ChannelEnd(
            slot,
            new RingWriter(segment.memory(), layout.outboundRingOffset(slot), capacity),
            new RingReader(segment.memory(), layout.inboundRingOffset(slot), capacity),
            segment.cmDoorbell(owner));
    }

    /**
     * Tells the peer that frames were published: once per batch.
     */
    public void signalPeer()
    {
        peerDoorbell.ring(slot);
    }

    public RingWriter writer()
    {
        return writer;
    }

    public RingReader reader()
    {
        return reader;
    }

    public int slot()
    {
        return slot;
    }

    /**
     * Re-reads the ring positions: after the slot was released and opened again.
     */
    public void resync()
    {
        writer.resync();
        reader.resync();
    }
}
