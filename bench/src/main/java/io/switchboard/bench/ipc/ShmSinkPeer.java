package io.switchboard.bench.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.doorbell.ReadyChannelHandler;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingReader;

import io.switchboard.ipc.memory.SharedBuffer;


/**
 * The peer process of {@link ShmThroughputBenchmark}: a worker that reads its
 * channel in one batch whenever the doorbell rings, copies every payload out of
 * the ring (as a consumer that hands it on must) and checks that the sequence
 * at both ends of each message is the next one. It never sleeps.
 * <p>
 * Arguments: {@code segmentName workerSlot channelSlot cmDoorbell messageLength}.
 */
public final class ShmSinkPeer implements ReadyChannelHandler, FrameHandler
{
    private static final int FRAME_LIMIT = 4096;

    private final ChannelEnd channel;
    private final Doorbell doorbell;
    private final RingReader reader;
    private final SharedBuffer memory;
    private final int messageLength;
    private final SharedBuffer copy;
    private long received;
    private long lastSequence;
    private long errors;

    private ShmSinkPeer(final WorkerAttachment attachment, final int messageLength)
    {
        this.channel = attachment.channel();
        this.doorbell = attachment.doorbell();
        this.reader = channel.reader();
        this.memory = attachment.segment().memory();
        this.messageLength = messageLength;
        // plain reads of a SharedBuffer may be unaligned: bytes will do
        this.copy = SharedBuffer.wrap(new byte[messageLength]);
    }

    public static void main(final String[] args)
    {
        final WorkerAttachment attachment = WorkerAttachment.attach(args);
        final int messageLength = Integer.parseInt(args[WorkerAttachment.FIRST_EXTRA_ARG]);
        System.out.println("sink peer ready: " + attachment.segment().name() + " messageLength=" + messageLength);
        PeerLoop.run(attachment, new ShmSinkPeer(attachment, messageLength), new BusySpinIdleStrategy());
    }

    /**
     * {@inheritDoc}
     * <p>
     * One batch per ring of the doorbell, as a worker does: what the producer
     * publishes meanwhile it announces with another ring. Draining until the
     * ring is empty instead would read the tail position again after every few
     * frames, and pull its cache line away from the producer on every commit.
     */
    public int onChannelReady(final int channelIndex)
    {
        if (channelIndex != channel.slot())
        {
            return 0;
        }

        final int frames = reader.read(this, FRAME_LIMIT);
        if (frames == FRAME_LIMIT)
        {
            // stopped at the batch limit: come back to this channel on the next poll
            doorbell.requeue(channelIndex);
        }

        return frames;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final SharedBuffer buffer, final long offset, final int length, final int type, final int flags)
    {
        if (type == BenchFrames.MESSAGE)
        {
            received++;
            final long expected = ++lastSequence;
            if (length != messageLength)
            {
                errors++;
                return;
            }

            buffer.getBytes(offset, copy, 0, length);
            final long first = copy.getLong(BenchFrames.SEQUENCE_OFFSET);
            final long last = copy.getLong(BenchFrames.trailingSequenceOffset(length));
            if (first != expected || last != expected)
            {
                errors++;
                lastSequence = first;
            }
        }
        else if (type == BenchFrames.COUNT_REQUEST)
        {
            CountReplies.send(channel, memory, received, errors);
        }
    }
}
