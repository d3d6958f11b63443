package io.switchboard.bench.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.doorbell.ReadyChannelHandler;
import io.switchboard.ipc.nativeshim.NativeAccess;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingReader;
import io.switchboard.ipc.ring.RingWriter;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * The peer process of {@link ShmRoundTripBenchmark}: a worker that echoes
 * every MESSAGE frame of its channel back on the outbound ring, in place
 * (claim, copy from the inbound ring, commit), and rings the CM doorbell once
 * per batch read. It runs on whichever native backend its JVM was started
 * with ({@link PeerNative}).
 * <p>
 * Arguments: {@code segmentName workerSlot channelSlot cmDoorbell SPIN|PARK}.
 */
public final class ShmEchoPeer implements ReadyChannelHandler, FrameHandler
{
    private static final int FRAME_LIMIT = 64;

    private final ChannelEnd channel;
    private final Doorbell doorbell;
    private final RingReader reader;
    private final RingWriter writer;
    private final SharedBuffer memory;
    private long echoed;

    private ShmEchoPeer(final WorkerAttachment attachment)
    {
        this.channel = attachment.channel();
        this.doorbell = attachment.doorbell();
        this.reader = channel.reader();
        this.writer = channel.writer();
        this.memory = attachment.segment().memory();
    }

    public static void main(final String[] args)
    {
        final WorkerAttachment attachment = WorkerAttachment.attach(args);
        final IdleMode idleMode = IdleMode.valueOf(args[WorkerAttachment.FIRST_EXTRA_ARG]);
        System.out.println("echo peer ready: " + attachment.segment().name() + " idle=" + idleMode +
            " native=" + NativeAccess.current().name());
        PeerLoop.run(attachment, new ShmEchoPeer(attachment), idleMode.newStrategy(attachment.doorbell()));
    }

    /**
     * {@inheritDoc}
     */
    public int onChannelReady(final int channelIndex)
    {
        if (channelIndex != channel.slot())
        {
            return 0;
        }

        final int frames = reader.read(this, FRAME_LIMIT);
        if (frames > 0)
        {
            channel.signalPeer();
        }

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
            long replyOffset;
            while ((replyOffset = writer.tryClaim(BenchFrames.MESSAGE, FrameDescriptor.UNFRAGMENTED, length)) ==
                RingWriter.INSUFFICIENT_CAPACITY)
            {
                // the benchmark reads every reply before it sends again: a full ring is a stall, not steady state
                channel.signalPeer();
                Thread.onSpinWait();
            }

            buffer.getBytes(offset, memory, replyOffset, length);
            writer.commit();
            echoed++;
        }
        else if (type == BenchFrames.COUNT_REQUEST)
        {
            CountReplies.send(channel, memory, echoed, 0);
        }
    }
}
