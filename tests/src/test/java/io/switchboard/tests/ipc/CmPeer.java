package io.switchboard.tests.ipc;

import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;

import java.nio.file.Path;

/**
 * A stand-in CM for {@link PeerDeathTest}: creates the segment, says so, then
 * idles until killed (at most five minutes).
 * <p>
 * Arguments: segment name, result file.
 */
public final class CmPeer
{
    public static void main(final String[] args) throws InterruptedException
    {
        final SharedSegment segment = SharedSegment.create(args[0], new SegmentLayout(2, 8, 4096, 1), ProcessIdentity.self());
        Peers.writeResult(Path.of(args[1]), segment.name());
        Thread.sleep(300_000);
        System.exit(1);
    }

    private CmPeer()
    {
    }
}
