package io.switchboard.bench.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;

import java.util.concurrent.TimeUnit;

/**
 * A peer process's side of {@link ShmPeerFixture}: it plays a worker. It
 * attaches to the segment named on its command line, waits until the CM has
 * claimed its slot for this very process, marks itself READY and hands out its
 * doorbell and its end of the channel.
 * <p>
 * It also watches the CM ({@link #checkCm()}): a peer whose benchmark JVM was
 * killed must not go on spinning on a core of a two-core machine.
 * <p>
 * Arguments: {@code segmentName workerSlot channelSlot cmDoorbell [more...]}.
 */
final class WorkerAttachment
{
    static final int FIRST_EXTRA_ARG = 4;

    private static final long CLAIM_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long CM_CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final SharedSegment segment;
    private final WorkerSlots workerSlots;
    private final int workerSlot;
    private final ChannelEnd channel;
    private final Doorbell doorbell;
    private final ProcessIdentity cm;
    private long nextCmCheckNs;

    private WorkerAttachment(final SharedSegment segment, final int workerSlot, final int channelSlot, final int cmDoorbell)
    {
        this.segment = segment;
        this.workerSlots = new WorkerSlots(segment);
        this.workerSlot = workerSlot;
        this.channel = ChannelEnd.forWorker(segment, channelSlot, cmDoorbell);
        this.doorbell = workerSlots.doorbell(workerSlot);
        this.cm = segment.cmProcess();
    }

    /**
     * Attaches, waits for the claim and marks the slot READY.
     *
     * @throws IllegalStateException when the CM never claims the slot for this process.
     */
    static WorkerAttachment attach(final String[] args)
    {
        if (args.length < FIRST_EXTRA_ARG)
        {
            throw new IllegalArgumentException("usage: segmentName workerSlot channelSlot cmDoorbell [...]");
        }

        final SharedSegment segment = SharedSegment.attach(args[0]);
        final WorkerAttachment attachment = new WorkerAttachment(
            segment, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        attachment.markReady();
        return attachment;
    }

    private void markReady()
    {
        final int pid = ProcessIdentity.self().pid();
        final long deadlineNs = System.nanoTime() + CLAIM_TIMEOUT_NS;
        while (workerSlots.state(workerSlot) != WorkerState.STARTING || workerSlots.process(workerSlot).pid() != pid)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException(
                    "the CM did not claim worker slot " + workerSlot + " for pid " + pid + ": state=" +
                    workerSlots.state(workerSlot) + " recorded " + workerSlots.process(workerSlot));
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the CM's claim", ex);
            }
        }

        if (!workerSlots.markReady(workerSlot))
        {
            throw new IllegalStateException("worker slot " + workerSlot + " left STARTING before this worker was ready");
        }
    }

    ChannelEnd channel()
    {
        return channel;
    }

    /**
     * @return this worker's doorbell, rung by the CM when a channel has inbound frames.
     */
    Doorbell doorbell()
    {
        return doorbell;
    }

    /**
     * Beats the heartbeat and exits the process if the CM is gone; does both at
     * most once a second, so that a polling loop may call it often. Reading
     * {@code /proc} costs microseconds: call it when idle, never per message.
     */
    void checkCm()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextCmCheckNs < 0)
        {
            return;
        }

        nextCmCheckNs = nowNs + CM_CHECK_INTERVAL_NS;
        workerSlots.heartbeat(workerSlot, nowNs);
        if (!cm.isAlive())
        {
            System.err.println("CM " + cm + " is gone: exiting");
            System.exit(3);
        }
    }

    SharedSegment segment()
    {
        return segment;
    }
}
