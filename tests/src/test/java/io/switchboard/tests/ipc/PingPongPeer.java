package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Worker peer of {@link ParkAndWakeTest}: answers each value with value + 1,
 * parking before every message, then writes "lostWakeups parks".
 * <p>
 * Arguments: segment name, worker slot, channel slot, rounds, result file.
 */
public final class PingPongPeer
{
    public static void main(final String[] args)
    {
        final SharedSegment segment = Peers.attach(args[0]);
        final int workerSlot = Integer.parseInt(args[1]);
        final int channelSlot = Integer.parseInt(args[2]);
        final int rounds = Integer.parseInt(args[3]);
        final Path result = Path.of(args[4]);

        Peers.join(segment, workerSlot);
        final PingPong pong = new PingPong(
            ChannelEnd.forWorker(segment, channelSlot, CmFixture.OWNER), new WorkerSlots(segment).doorbell(workerSlot));
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int i = 0; i < rounds; i++)
        {
            final long value = pong.receive(deadlineNs);
            if (value < 0)
            {
                Peers.writeResult(result, "stalled at round " + i);
                System.exit(1);
            }
            pong.send(value + 1);
        }

        Peers.writeResult(result, pong.lostWakeups() + " " + pong.parks());
        System.exit(0);
    }

    private PingPongPeer()
    {
    }
}
