package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.testsupport.JavaProcess;
import io.switchboard.testsupport.TempSegment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The test JVM in the CM's role: owns a temporary segment, starts worker peers
 * in worker slots, opens channels to them. Closing kills every peer and removes
 * the segment, whatever the test did.
 */
final class CmFixture implements AutoCloseable
{
    static final int WORKER_SLOT = 0;
    static final int OWNER = 0;

    private final TempSegment temp;
    private final ChannelTable channels;
    private final WorkerSlots workers;
    private final Doorbell doorbell;
    private final List<Process> peers = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    CmFixture(final int channelCount, final int ringCapacity)
    {
        this.temp = TempSegment.create(new SegmentLayout(2, channelCount, ringCapacity, 1));
        this.channels = new ChannelTable(temp.segment());
        this.workers = new WorkerSlots(temp.segment());
        this.doorbell = temp.segment().cmDoorbell(OWNER);
    }

    /**
     * Starts a worker peer with {@code (segment name, worker slot, args...)},
     * claims its slot and waits until it is READY.
     */
    Process startWorker(final Class<?> main, final String... args)
    {
        final String[] all = new String[args.length + 2];
        all[0] = temp.name();
        all[1] = Integer.toString(WORKER_SLOT);
        System.arraycopy(args, 0, all, 2, args.length);
        final Path log = JavaProcess.newLog(main.getSimpleName());
        logs.add(log);
        final Process peer = JavaProcess.start(main, log, all);
        peers.add(peer);
        workers.claim(WORKER_SLOT, ProcessIdentity.of((int)peer.pid()));
        Peers.awaitReady(workers, WORKER_SLOT, peer);
        return peer;
    }

    long openChannel()
    {
        final long id = channels.allocate(ChannelKind.RPC, WORKER_SLOT, OWNER);
        if (id == ChannelId.NONE)
        {
            throw new IllegalStateException("no free channel");
        }
        return id;
    }

    ChannelEnd cmEnd(final long channelId)
    {
        return ChannelEnd.forCm(temp.segment(), ChannelId.slot(channelId), WORKER_SLOT);
    }

    SharedSegment segment()
    {
        return temp.segment();
    }

    ChannelTable channels()
    {
        return channels;
    }

    WorkerSlots workers()
    {
        return workers;
    }

    Doorbell doorbell()
    {
        return doorbell;
    }

    /**
     * @return what the peers wrote to their logs, for assertion messages.
     */
    String peerLogs()
    {
        final StringBuilder text = new StringBuilder();
        for (final Path log : logs)
        {
            try
            {
                text.append("--- ").append(log).append('\n').append(Files.readString(log));
            }
            catch (final Exception ex)
            {
                text.append("--- ").append(log).append(": ").append(ex).append('\n');
            }
        }
        return text.toString();
    }

    public void close()
    {
        peers.forEach(JavaProcess::kill);
        temp.close();
    }
}
