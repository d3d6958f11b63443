package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;

import java.nio.file.Path;

/**
 * Worker peer of {@link CrossProcessStreamTest}: sends its stream of frames
 * while it receives the CM's, then writes "received receivedCrc sentCrc error".
 * <p>
 * Arguments: segment name, worker slot, channel slot, frame count, seed to send, seed to receive, result file.
 */
public final class StreamPeer
{
    public static void main(final String[] args)
    {
        final SharedSegment segment = Peers.attach(args[0]);
        final int workerSlot = Integer.parseInt(args[1]);
        final int channelSlot = Integer.parseInt(args[2]);
        final long frames = Long.parseLong(args[3]);
        final long sendSeed = Long.parseLong(args[4]);
        final long receiveSeed = Long.parseLong(args[5]);
        final Path result = Path.of(args[6]);

        Peers.join(segment, workerSlot);
        final Doorbell doorbell = new WorkerSlots(segment).doorbell(workerSlot);
        final ChannelEnd end = ChannelEnd.forWorker(segment, channelSlot, CmFixture.OWNER);
        final int capacity = segment.layout().ringCapacity();

        final String error = Duplex.run(
            end, doorbell, new FrameStream(sendSeed, capacity), new FrameStream(receiveSeed, capacity), frames);
        Peers.writeResult(result, error);
        System.exit(0);
    }

    private StreamPeer()
    {
    }

    /**
     * The loop both ends run: send what fits, drain what came, idle when neither moved.
     */
    static final class Duplex
    {
        /** Long enough for any healthy run, short enough to fail inside the test's timeout. */
        private static final long DEADLINE_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(120);

        static String run(
            final ChannelEnd end,
            final Doorbell doorbell,
            final FrameStream outgoing,
            final FrameStream incoming,
            final long frames)
        {
            final FrameStream.Sender sender = outgoing.new Sender();
            final FrameStream.Receiver receiver = incoming.new Receiver();
            final SpinParkIdleStrategy idle = new SpinParkIdleStrategy(
                doorbell.eventCount(),
                () -> doorbell.isSatisfied() || (sender.sent() < frames && end.writer().isSatisfied()),
                1_000, 20_000, 2, 1_000_000L);

            final long deadlineNs = System.nanoTime() + DEADLINE_NS;
            while (receiver.received() < frames || sender.sent() < frames)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    return receiver.received() + " " + receiver.crc() + " " + sender.crc() + " stalled: sent " +
                        sender.sent() + ", received " + receiver.received() + " of " + frames;
                }

                int work = sender.send(end.writer(), frames, 64);
                if (work > 0)
                {
                    end.signalPeer();
                }

                work += doorbell.poll(channel ->
                {
                    final int read = end.reader().read(receiver.handler(), 256);
                    if (end.reader().isSatisfied())
                    {
                        doorbell.requeue(channel);
                    }
                    return read;
                });
                idle.idle(work);

                if (receiver.error() != null)
                {
                    break;
                }
            }

            return receiver.received() + " " + receiver.crc() + " " + sender.crc() + " " + receiver.error();
        }

        private Duplex()
        {
        }
    }
}
