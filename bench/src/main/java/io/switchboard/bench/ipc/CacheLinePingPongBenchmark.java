package io.switchboard.bench.ipc;

import io.switchboard.testsupport.JavaProcess;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.switchboard.bench.ipc.CacheLineMapping.PING_OFFSET;
import static io.switchboard.bench.ipc.CacheLineMapping.PONG_OFFSET;
import static io.switchboard.bench.ipc.CacheLineMapping.WORD;

/**
 * The hardware floor under {@link ShmRoundTripBenchmark} with
 * {@link IdleMode#SPIN}: the least a round trip between two processes through
 * shared memory can cost on this machine, one cache line each way and nothing
 * else.
 * <pre>
 *   benchmark JVM                                 peer JVM (CacheLineEchoPeer)
 *   -------------                                 ----------------------------
 *   ping word = sequence (release)      ------->  spin until the ping word changes
 *   spin until pong word == sequence    <-------  pong word = ping word (release)
 * </pre>
 * Every Switchboard round trip moves several lines each way (frame, tail
 * position, doorbell bit), so its spinning figure is a small multiple of this
 * one. On a virtual machine the floor itself moves with where the host runs
 * the two virtual CPUs (a few tens of nanoseconds on cores that share a cache,
 * several times that across dies): it is measured in the same run so that the
 * spinning figure can be read against it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class CacheLinePingPongBenchmark
{
    private TrialContention contention;
    private Path file;
    private Path peerLog;
    private Process peer;
    private CacheLineMapping mapping;
    private MemorySegment memory;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        contention = TrialContention.begin();
        file = Files.createTempFile(Path.of("/dev/shm"), "switchboard-bench-line-", ".map");
        mapping = CacheLineMapping.map(file);
        memory = mapping.memory();
        peerLog = JavaProcess.newLog("cache-line-echo");
        peer = JavaProcess.start(
            CacheLineEchoPeer.class, peerLog, file.toString(), Long.toString(ProcessHandle.current().pid()));

        // the peer answers the first ping once it runs: wait for that, not for a fixed time
        sequence = 1;
        WORD.setRelease(memory, PING_OFFSET, sequence);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((long)WORD.getAcquire(memory, PONG_OFFSET) != sequence)
        {
            if (!peer.isAlive() || System.nanoTime() - deadlineNs > 0)
            {
                JavaProcess.kill(peer);
                throw new IllegalStateException("cache line peer did not answer; its log:\n" + PeerLogs.tail(peerLog));
            }
            Thread.yield();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        try
        {
            final long pong = (long)WORD.getAcquire(memory, PONG_OFFSET);
            if (pong != sequence)
            {
                throw new IllegalStateException("last ping " + sequence + ", last pong " + pong);
            }
            System.out.println("delivery verified: " + (sequence - 1) + " round trips");
        }
        finally
        {
            JavaProcess.kill(peer);
            mapping.close();
            Files.deleteIfExists(file);
            contention.end(CacheLinePingPongBenchmark.class.getSimpleName());
        }
    }

    @Benchmark
    public long roundTrip()
    {
        final MemorySegment memory = this.memory;
        final long sequence = ++this.sequence;
        WORD.setRelease(memory, PING_OFFSET, sequence);
        while ((long)WORD.getAcquire(memory, PONG_OFFSET) != sequence)
        {
            Thread.onSpinWait();
        }

        return sequence;
    }
}
