package io.switchboard.bench.ipc;

import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.doorbell.ReadyChannelHandler;
import io.switchboard.ipc.signal.IdleStrategy;

/**
 * The polling loop of a peer process, the same as a worker's: poll the doorbell,
 * hand the work count to the idle strategy, check on the CM when idle. Runs
 * until the process is killed or the CM is gone.
 */
final class PeerLoop
{
    /** Idle polls between two looks at the clock for {@link WorkerAttachment#checkCm()}. */
    private static final int CM_CHECK_POLL_MASK = 1023;

    private PeerLoop()
    {
    }

    static void run(final WorkerAttachment attachment, final ReadyChannelHandler handler, final IdleStrategy idleStrategy)
    {
        final Doorbell doorbell = attachment.doorbell();
        int idlePolls = 0;
        while (true)
        {
            final int work = doorbell.poll(handler);
            final int idled = idleStrategy.idle(work);
            if (idled == IdleStrategy.TIMED_OUT || (work == 0 && (++idlePolls & CM_CHECK_POLL_MASK) == 0))
            {
                attachment.checkCm();
            }
        }
    }
}
