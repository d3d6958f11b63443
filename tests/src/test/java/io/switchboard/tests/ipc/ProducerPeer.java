package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.segment.SharedSegment;

/**
 * Worker peer of {@link PeerDeathTest}: streams frames to the CM until it is
 * killed (or, as a safety net, for at most five minutes).
 * <p>
 * Arguments: segment name, worker slot, channel slot.
 */
public final class ProducerPeer
{
    public static void main(final String[] args)
    {
        final SharedSegment segment = Peers.attach(args[0]);
        final int workerSlot = Integer.parseInt(args[1]);
        final int channelSlot = Integer.parseInt(args[2]);
        Peers.join(segment, workerSlot);

        final ChannelEnd end = ChannelEnd.forWorker(segment, channelSlot, CmFixture.OWNER);
        final FrameStream.Sender sender = new FrameStream(5, segment.layout().ringCapacity()).new Sender();
        final long stopNs = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() - stopNs < 0)
        {
            if (sender.send(end.writer(), Long.MAX_VALUE, 16) > 0)
            {
                end.signalPeer();
            }
            else
            {
                Thread.yield();
            }
        }
        System.exit(1);
    }

    private ProducerPeer()
    {
    }
}
