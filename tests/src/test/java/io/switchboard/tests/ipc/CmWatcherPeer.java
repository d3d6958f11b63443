package io.switchboard.tests.ipc;

import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.signal.IdleStrategy;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;

import java.nio.file.Path;

/**
 * A worker stand-in for {@link PeerDeathTest}: attached and idle on its
 * doorbell; each time a park times out it checks the CM, and it exits with
 * {@link #CM_GONE} once the CM is dead, as a worker must.
 * <p>
 * Arguments: segment name, worker slot, attached-marker file.
 */
public final class CmWatcherPeer
{
    static final int CM_GONE = 42;

    public static void main(final String[] args)
    {
        final SharedSegment segment = Peers.attach(args[0]);
        final Doorbell doorbell = new WorkerSlots(segment).doorbell(Integer.parseInt(args[1]));
        final ProcessIdentity cm = segment.cmProcess();
        final IdleStrategy idle = SpinParkIdleStrategy.adaptive(doorbell.eventCount(), doorbell);
        Peers.writeResult(Path.of(args[2]), "attached");

        final long stopNs = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() - stopNs < 0)
        {
            final int work = doorbell.poll(channel -> 1);
            if (idle.idle(work) == IdleStrategy.TIMED_OUT && !cm.isAlive())
            {
                System.out.println("CM " + cm + " is gone: exiting");
                System.exit(CM_GONE);
            }
        }
        System.exit(1);
    }

    private CmWatcherPeer()
    {
    }
}
