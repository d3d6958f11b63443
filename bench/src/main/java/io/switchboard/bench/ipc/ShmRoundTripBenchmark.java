package io.switchboard.bench.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.doorbell.ReadyChannelHandler;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingReader;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.ipc.signal.IdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.switchboard.ipc.memory.SharedBuffer;
import java.util.concurrent.TimeUnit;


/**
 * Round trip of a 64-byte message between two processes over one channel of a
 * shared segment, through the whole doorbell path a request and its response
 * take between the CM and a worker.
 * <pre>
 *   benchmark JVM (plays the CM)                      peer JVM (ShmEchoPeer, plays a worker)
 *   ----------------------------                      -------------------------------------
 *   tryClaim/copy/commit on inbound ring  --------->
 *   ring worker doorbell (slot 0)         --------->  poll worker doorbell (idle: spin | futex)
 *                                                     read inbound ring
 *                                                     tryClaim/copy/commit on outbound ring
 *   poll CM doorbell 0 (idle: spin | futex) <-------  ring CM doorbell 0
 *   read outbound ring, check the sequence
 * </pre>
 * {@link IdleMode#SPIN}: both sides spin, so the time is the rings, the
 * doorbells and the cache-line transfers between the two cores.
 * {@link IdleMode#PARK}: both sides park on their doorbell's futex before
 * every message, so each round trip pays two sleeps and two wake-ups; that is
 * the figure to hold against a Unix socket, whose reader sleeps too.
 * <p>
 * {@link PeerNative}: the backend the peer runs. This JVM, the CM, runs FFM in
 * every case; with {@link PeerNative#JNA} the worker side reads and writes
 * the rings through a direct {@code ByteBuffer} and waits and wakes through
 * JNA, as a worker on Java 17 to 21 does, so the two cases of each idle mode
 * differ by the worker's backend alone.
 * <p>
 * One JMH operation is one round trip; sampled, so that p50 and p99 come from
 * the histogram. Each reply must carry the sequence of its request, and at the
 * end the peer must have echoed exactly as many messages as were sent.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class ShmRoundTripBenchmark
{
    static final int MESSAGE_LENGTH = 64;

    @Param({"SPIN", "PARK"})
    public IdleMode idle;

    @Param({"FFM", "JNA"})
    public PeerNative peerNative;

    private TrialContention contention;
    private ShmPeerFixture fixture;
    private ChannelEnd channel;
    private RingWriter writer;
    private Doorbell cmDoorbell;
    private IdleStrategy idleStrategy;
    private SharedBuffer memory;
    private SharedBuffer message;
    private ReplyCatcher replies;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp()
    {
        contention = TrialContention.begin();
        fixture = ShmPeerFixture.start(ShmEchoPeer.class, peerNative, idle.name());
        channel = fixture.channel();
        writer = channel.writer();
        cmDoorbell = fixture.cmDoorbell();
        idleStrategy = idle.newStrategy(cmDoorbell);
        memory = fixture.segment().memory();
        message = MessagePayload.newMessage(MESSAGE_LENGTH);
        replies = new ReplyCatcher(channel);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            final long echoed = fixture.requestCount();
            if (echoed != sequence)
            {
                throw new IllegalStateException("sent " + sequence + " messages, the peer echoed " + echoed);
            }
            System.out.println("delivery verified: " + echoed + " round trips, every reply in sequence");
        }
        finally
        {
            fixture.close();
            contention.end(ShmRoundTripBenchmark.class.getSimpleName() + "-" + idle + "-" + peerNative);
        }
    }

    @Benchmark
    public long roundTrip()
    {
        final long sequence = ++this.sequence;
        final long offset = writer.tryClaim(BenchFrames.MESSAGE, FrameDescriptor.UNFRAGMENTED, MESSAGE_LENGTH);
        if (offset == RingWriter.INSUFFICIENT_CAPACITY)
        {
            throw new IllegalStateException("inbound ring full in a ping-pong: the peer stopped reading");
        }

        MessagePayload.write(message, memory, offset, MESSAGE_LENGTH, sequence);
        writer.commit();
        channel.signalPeer();

        final ReplyCatcher replies = this.replies;
        final IdleStrategy idleStrategy = this.idleStrategy;
        replies.expect(sequence);
        while (true)
        {
            final int work = cmDoorbell.poll(replies);
            if (replies.arrived())
            {
                break;
            }
            idleStrategy.idle(work);
        }
        idleStrategy.reset();

        return sequence;
    }

    /**
     * Takes the echo off the outbound ring when the CM doorbell names the
     * channel, and checks that it answers the request just sent.
     */
    private static final class ReplyCatcher implements ReadyChannelHandler, FrameHandler
    {
        private final int channelSlot;
        private final RingReader reader;
        private long expectedSequence;
        private boolean arrived;

        ReplyCatcher(final ChannelEnd channel)
        {
            this.channelSlot = channel.slot();
            this.reader = channel.reader();
        }

        void expect(final long sequence)
        {
            expectedSequence = sequence;
            arrived = false;
        }

        boolean arrived()
        {
            return arrived;
        }

        public int onChannelReady(final int channelIndex)
        {
            return channelIndex == channelSlot ? reader.read(this, Integer.MAX_VALUE) : 0;
        }

        public void onFrame(final SharedBuffer buffer, final long offset, final int length, final int type, final int flags)
        {
            if (type != BenchFrames.MESSAGE || length != MESSAGE_LENGTH)
            {
                throw new IllegalStateException("bad echo: type=" + type + " length=" + length);
            }

            final long first = buffer.getLong(offset + BenchFrames.SEQUENCE_OFFSET);
            final long last = buffer.getLong(offset + BenchFrames.trailingSequenceOffset(length));
            if (first != expectedSequence || last != expectedSequence)
            {
                throw new IllegalStateException(
                    "echo out of sequence: " + first + "/" + last + " expected=" + expectedSequence);
            }
            arrived = true;
        }
    }
}
