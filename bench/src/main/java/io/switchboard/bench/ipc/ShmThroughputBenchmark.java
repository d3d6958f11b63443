package io.switchboard.bench.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * One-way throughput of messages from the benchmark JVM to a peer process
 * over one channel: how fast a CM can stream requests (or a worker responses)
 * through one ring.
 * <pre>
 *   benchmark JVM (plays the CM)                 peer JVM (ShmSinkPeer, plays a worker)
 *   ----------------------------                 --------------------------------------
 *   for each message:                            spin on the worker doorbell
 *     tryClaim, copy payload, stamp, commit      on a ring: read what the inbound ring
 *   every signalInterval messages, when the        holds, in one batch; copy each payload
 *   ring is full and after each invocation:        out, check its sequence at both ends
 *     ring the worker doorbell          -------> 
 *   at the end: COUNT_REQUEST           -------> COUNT_REPLY (received, errors)
 * </pre>
 * Every message is published on its own: one claim, one commit (a release
 * store of the tail) per message, so the consumer may take each the moment it
 * is written. What is batched is the doorbell: it tells the consumer which
 * channel to read, and the consumer takes everything published so far in one
 * batch, so it needs to hear it once per batch, not once per message. The producer rings
 * once per {@value #SIGNAL_BYTES} bytes published (1/16 of the ring, so the
 * consumer is told long before the ring fills), whenever the ring is full, and
 * at the end of each invocation. That is also what the CM does: one ring per
 * socket read, however many frames it produced.
 * <p>
 * A full ring is backpressure: the producer rings and spins until the consumer
 * frees space. At the end the peer must report exactly as many messages as
 * were sent, none torn or out of sequence, or the trial fails.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class ShmThroughputBenchmark
{
    /** Messages per invocation: amortises the harness's per-call cost (a clock read, a flag check). */
    static final int BATCH = 1000;

    /** Bytes published between two doorbell rings. */
    static final int SIGNAL_BYTES = ShmPeerFixture.RING_CAPACITY / 16;

    @Param({"64", "4096"})
    public int messageLength;

    private TrialContention contention;
    private ShmPeerFixture fixture;
    private ChannelEnd channel;
    private RingWriter writer;
    private SharedBuffer memory;
    private SharedBuffer message;
    private int signalInterval;
    private int untilSignal;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp()
    {
        contention = TrialContention.begin();
        fixture = ShmPeerFixture.start(ShmSinkPeer.class, PeerNative.FFM, Integer.toString(messageLength));
        channel = fixture.channel();
        writer = channel.writer();
        memory = fixture.segment().memory();
        message = MessagePayload.newMessage(messageLength);
        signalInterval = Math.max(1, SIGNAL_BYTES / FrameDescriptor.alignedFrameLength(messageLength));
        untilSignal = signalInterval;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            final long received = fixture.requestCount();
            if (received != sequence)
            {
                throw new IllegalStateException("sent " + sequence + " messages, the peer received " + received);
            }
            System.out.println(
                "delivery verified: " + received + " messages of " + messageLength + " bytes, all in sequence, none torn");
        }
        finally
        {
            fixture.close();
            contention.end(ShmThroughputBenchmark.class.getSimpleName() + "-" + messageLength);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void send()
    {
        final RingWriter writer = this.writer;
        final SharedBuffer memory = this.memory;
        final SharedBuffer message = this.message;
        final int messageLength = this.messageLength;
        long sequence = this.sequence;
        int untilSignal = this.untilSignal;

        for (int i = 0; i < BATCH; i++)
        {
            long offset = writer.tryClaim(BenchFrames.MESSAGE, FrameDescriptor.UNFRAGMENTED, messageLength);
            if (offset == RingWriter.INSUFFICIENT_CAPACITY)
            {
                offset = claimWhenFull();
            }

            MessagePayload.write(message, memory, offset, messageLength, ++sequence);
            writer.commit();

            if (--untilSignal == 0)
            {
                channel.signalPeer();
                untilSignal = signalInterval;
            }
        }

        channel.signalPeer();
        this.sequence = sequence;
        this.untilSignal = untilSignal;
    }

    private long claimWhenFull()
    {
        channel.signalPeer();
        long offset;
        while ((offset = writer.tryClaim(BenchFrames.MESSAGE, FrameDescriptor.UNFRAGMENTED, messageLength)) ==
            RingWriter.INSUFFICIENT_CAPACITY)
        {
            Thread.onSpinWait();
        }

        return offset;
    }
}
