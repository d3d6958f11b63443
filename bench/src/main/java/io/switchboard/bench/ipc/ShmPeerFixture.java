package io.switchboard.bench.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;
import io.switchboard.testsupport.JavaProcess;
import io.switchboard.testsupport.TempSegment;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * The benchmark JVM's side of a cross-process shared-memory benchmark: it
 * plays the CM. It creates a segment, opens one channel to worker slot
 * {@value #WORKER_SLOT}, starts the peer process, claims the slot for that
 * process's identity and waits until the peer has attached and marked itself
 * READY, exactly as the CM and a worker do. The peer runs the native backend
 * it is given ({@link PeerNative}), whatever this JVM runs.
 * <p>
 * At the end it asks the peer, over the same channel, how many messages it
 * received ({@link #requestCount()}): a benchmark that does not prove delivery
 * measures nothing.
 * <p>
 * Not thread-safe: made, used and closed by one benchmark thread.
 */
final class ShmPeerFixture implements AutoCloseable
{
    static final int WORKER_SLOT = 0;
    static final int CM_DOORBELL = 0;
    static final int RING_CAPACITY = 64 * 1024;

    /** Two worker slots, four channels: a small segment shaped like a real one. */
    static final SegmentLayout LAYOUT = new SegmentLayout(2, 4, RING_CAPACITY, 1);

    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long COUNT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final TempSegment temp;
    private final ChannelTable channels;
    private final long channelId;
    private final ChannelEnd channel;
    private final Doorbell cmDoorbell;
    private final Path peerLog;
    private final CountCatcher countCatcher = new CountCatcher();
    private Process peer;

    private ShmPeerFixture(final TempSegment temp, final ChannelTable channels, final long channelId, final Path peerLog)
    {
        this.temp = temp;
        this.channels = channels;
        this.channelId = channelId;
        this.channel = ChannelEnd.forCm(temp.segment(), ChannelId.slot(channelId), WORKER_SLOT);
        this.cmDoorbell = temp.segment().cmDoorbell(CM_DOORBELL);
        this.peerLog = peerLog;
    }

    /**
     * Creates the segment and the channel, starts {@code peerMain} on the
     * {@code peerNative} backend with
     * {@code segmentName workerSlot channelSlot cmDoorbell peerArgs...} and
     * waits for it to be READY.
     */
    static ShmPeerFixture start(final Class<?> peerMain, final PeerNative peerNative, final String... peerArgs)
    {
        final TempSegment temp = TempSegment.create(LAYOUT);
        ShmPeerFixture fixture = null;
        try
        {
            final ChannelTable channels = new ChannelTable(temp.segment());
            final long channelId = channels.allocate(ChannelKind.RPC, WORKER_SLOT, CM_DOORBELL);
            if (channelId == ChannelId.NONE)
            {
                throw new IllegalStateException("no free channel in a fresh segment: " + temp.segment());
            }

            fixture = new ShmPeerFixture(temp, channels, channelId, JavaProcess.newLog(peerMain.getSimpleName()));
            fixture.startPeer(peerMain, peerNative, peerArgs);
            return fixture;
        }
        catch (final RuntimeException ex)
        {
            if (null != fixture)
            {
                fixture.close();
            }
            else
            {
                temp.close();
            }
            throw ex;
        }
    }

    private void startPeer(final Class<?> peerMain, final PeerNative peerNative, final String... peerArgs)
    {
        final List<String> args = new ArrayList<>();
        args.add(temp.name());
        args.add(Integer.toString(WORKER_SLOT));
        args.add(Integer.toString(channel.slot()));
        args.add(Integer.toString(CM_DOORBELL));
        args.addAll(List.of(peerArgs));
        peer = JavaProcess.start(peerMain, peerLog, List.of(peerNative.jvmOption()), args.toArray(String[]::new));

        final WorkerSlots workerSlots = new WorkerSlots(temp.segment());
        if (!workerSlots.claim(WORKER_SLOT, ProcessIdentity.of((int)peer.pid())))
        {
            throw new IllegalStateException("worker slot " + WORKER_SLOT + " was not FREE in a fresh segment");
        }

        final long deadlineNs = System.nanoTime() + READY_TIMEOUT_NS;
        while (workerSlots.state(WORKER_SLOT) != WorkerState.READY)
        {
            checkPeerAlive();
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException(
                    "peer " + peerMain.getSimpleName() + " (" + peerNative + ") not READY after " +
                    TimeUnit.NANOSECONDS.toSeconds(READY_TIMEOUT_NS) + " s; its log " + peerLog + ":\n" + PeerLogs.tail(peerLog));
            }
            sleepMs(1);
        }
    }

    ChannelEnd channel()
    {
        return channel;
    }

    /**
     * @return the CM doorbell the peer rings after publishing on the outbound ring.
     */
    Doorbell cmDoorbell()
    {
        return cmDoorbell;
    }

    SharedSegment segment()
    {
        return temp.segment();
    }

    /**
     * Asks the peer how many messages it received, over the channel itself.
     * Call only once the benchmark stopped sending and reading replies.
     *
     * @return the peer's count of MESSAGE frames.
     * @throws IllegalStateException when the peer counted torn or out-of-sequence messages, died, or did not answer.
     */
    long requestCount()
    {
        final RingWriter writer = channel.writer();
        final long deadlineNs = System.nanoTime() + COUNT_TIMEOUT_NS;
        while (writer.tryClaim(BenchFrames.COUNT_REQUEST, FrameDescriptor.UNFRAGMENTED, 0) == RingWriter.INSUFFICIENT_CAPACITY)
        {
            channel.signalPeer();
            checkCountDeadline(deadlineNs);
            Thread.onSpinWait();
        }
        writer.commit();
        channel.signalPeer();

        countCatcher.received = -1;
        while (countCatcher.received < 0)
        {
            if (channel.reader().read(countCatcher, Integer.MAX_VALUE) == 0)
            {
                checkCountDeadline(deadlineNs);
                Thread.yield();
            }
        }

        if (countCatcher.errors != 0)
        {
            throw new IllegalStateException(
                "peer received " + countCatcher.received + " messages of which " + countCatcher.errors +
                " were torn or out of sequence");
        }

        return countCatcher.received;
    }

    private void checkCountDeadline(final long deadlineNs)
    {
        checkPeerAlive();
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new IllegalStateException("peer did not report its count; its log " + peerLog + ":\n" + PeerLogs.tail(peerLog));
        }
    }

    private void checkPeerAlive()
    {
        if (!peer.isAlive())
        {
            throw new IllegalStateException(
                "peer exited with status " + peer.exitValue() + "; its log " + peerLog + ":\n" + PeerLogs.tail(peerLog));
        }
    }

    /**
     * Kills the peer, frees the channel and removes the segment.
     */
    public void close()
    {
        try
        {
            JavaProcess.kill(peer);
            channels.release(channelId);
        }
        finally
        {
            temp.close();
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the peer", ex);
        }
    }

    /**
     * Takes the peer's COUNT_REPLY off the outbound ring, skipping anything else.
     */
    private static final class CountCatcher implements FrameHandler
    {
        long received = -1;
        long errors;

        public void onFrame(final SharedBuffer buffer, final long offset, final int length, final int type, final int flags)
        {
            if (type == BenchFrames.COUNT_REPLY && length == BenchFrames.COUNT_REPLY_LENGTH)
            {
                received = buffer.getLong(offset + BenchFrames.RECEIVED_OFFSET);
                errors = buffer.getLong(offset + BenchFrames.ERRORS_OFFSET);
            }
        }
    }
}
