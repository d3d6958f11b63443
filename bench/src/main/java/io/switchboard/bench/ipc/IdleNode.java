package io.switchboard.bench.ipc;

import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.doorbell.ReadyChannelHandler;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SegmentNames;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.signal.IdleStrategy;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One of the two processes of {@link IdleCpuProbe}: a CM or a worker of an
 * instance with no traffic, blocked in its polling loop on its doorbell with
 * the default {@link SpinParkIdleStrategy#adaptive adaptive} strategy (100 ms
 * parks), doing on each park timeout what the real loops do (the CM beats its
 * heartbeat; the worker beats its own and checks that the CM lives).
 * <p>
 * When it has entered its loop it writes a status file (atomically): the CM
 * writes the name of the segment it created, the worker {@code ready}.
 * <p>
 * Arguments: {@code cm statusFile} or {@code worker statusFile segmentName}.
 */
public final class IdleNode
{
    static final SegmentLayout LAYOUT = new SegmentLayout(2, 16, 64 * 1024, 1);
    static final String READY = "ready";

    private static final int WORKER_SLOT = 0;
    private static final ReadyChannelHandler NO_CHANNELS = channelIndex -> 0;

    private IdleNode()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path statusFile = Path.of(args[1]);
        switch (args[0])
        {
            case "cm" -> runCm(statusFile);
            case "worker" -> runWorker(statusFile, args[2]);
            default -> throw new IllegalArgumentException("role must be cm or worker: " + args[0]);
        }
    }

    private static void runCm(final Path statusFile) throws IOException
    {
        final ProcessIdentity self = ProcessIdentity.self();
        final SharedSegment segment = SharedSegment.create(SegmentNames.newName(self.pid()), LAYOUT, self);
        final Doorbell doorbell = segment.cmDoorbell(0);
        final IdleStrategy idleStrategy = SpinParkIdleStrategy.adaptive(doorbell.eventCount(), doorbell);
        writeStatus(statusFile, segment.name());

        while (true)
        {
            if (idleStrategy.idle(doorbell.poll(NO_CHANNELS)) == IdleStrategy.TIMED_OUT)
            {
                segment.cmHeartbeat(System.nanoTime());
            }
        }
    }

    private static void runWorker(final Path statusFile, final String segmentName) throws IOException
    {
        final SharedSegment segment = SharedSegment.attach(segmentName);
        final WorkerSlots workerSlots = new WorkerSlots(segment);
        final Doorbell doorbell = workerSlots.doorbell(WORKER_SLOT);
        final ProcessIdentity cm = segment.cmProcess();
        final IdleStrategy idleStrategy = SpinParkIdleStrategy.adaptive(doorbell.eventCount(), doorbell);
        writeStatus(statusFile, READY);

        while (true)
        {
            if (idleStrategy.idle(doorbell.poll(NO_CHANNELS)) == IdleStrategy.TIMED_OUT)
            {
                workerSlots.heartbeat(WORKER_SLOT, System.nanoTime());
                if (!cm.isAlive())
                {
                    System.err.println("CM " + cm + " is gone: exiting");
                    System.exit(3);
                }
            }
        }
    }

    private static void writeStatus(final Path statusFile, final String status) throws IOException
    {
        final Path temporary = statusFile.resolveSibling(statusFile.getFileName() + ".tmp");
        Files.writeString(temporary, status, StandardCharsets.UTF_8);
        Files.move(temporary, statusFile, StandardCopyOption.ATOMIC_MOVE);
    }
}
