package io.switchboard.bench.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;

import io.switchboard.ipc.memory.SharedBuffer;


/**
 * A peer's answer to COUNT_REQUEST: how many messages it received and how many
 * of them were torn or out of sequence, on the outbound ring.
 */
final class CountReplies
{
    private CountReplies()
    {
    }

    /**
     * Publishes the reply, waiting for space if the ring is full, and rings the CM.
     *
     * @param memory the mapped segment that holds the channel's rings.
     */
    static void send(final ChannelEnd channel, final SharedBuffer memory, final long received, final long errors)
    {
        final RingWriter writer = channel.writer();
        long offset;
        while ((offset = writer.tryClaim(
            BenchFrames.COUNT_REPLY, FrameDescriptor.UNFRAGMENTED, BenchFrames.COUNT_REPLY_LENGTH)) ==
            RingWriter.INSUFFICIENT_CAPACITY)
        {
            Thread.onSpinWait();
        }

        memory.putLong(offset + BenchFrames.RECEIVED_OFFSET, received);
        memory.putLong(offset + BenchFrames.ERRORS_OFFSET, errors);
        writer.commit();
        channel.signalPeer();
    }
}
