package io.switchboard.bench.ipc;

import io.switchboard.testsupport.JavaProcess;
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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baselines: round trip of a 64-byte message to an echo peer process over
 * loopback TCP and over a Unix domain socket, blocking reads and writes on
 * both sides.
 * <pre>
 *   benchmark JVM                                peer JVM (SocketEchoPeer)
 *   -------------                                -------------------------
 *   write 64 bytes (blocking SocketChannel) ---> read until 64 bytes (sleeps in the kernel)
 *   read until 64 bytes (sleeps in the kernel) <--- write them back
 *   check the sequence
 * </pre>
 * TCP has TCP_NODELAY on both ends; the Unix socket lives in a fresh temporary
 * directory. Both readers sleep in the kernel between messages, so these are
 * the figures to hold against {@link ShmRoundTripBenchmark} with
 * {@link IdleMode#PARK}, and to show what spinning saves.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class SocketRoundTripBenchmark
{
    static final int MESSAGE_LENGTH = 64;

    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final Pattern ECHO_COUNT = Pattern.compile("connection closed after (\\d+) echoes");

    @Param({"TCP", "UDS"})
    public SocketTransport transport;

    private TrialContention contention;
    private Path directory;
    private Path peerLog;
    private Process peer;
    private SocketChannel socket;
    private ByteBuffer request;
    private ByteBuffer reply;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        contention = TrialContention.begin();
        directory = Files.createTempDirectory("switchboard-bench-");
        peerLog = JavaProcess.newLog("socket-echo");
        try (ServerSocketChannel server = transport.listen(directory.resolve("echo.sock")))
        {
            peer = JavaProcess.start(
                SocketEchoPeer.class, peerLog, transport.name(), transport.addressArgument(server),
                Integer.toString(MESSAGE_LENGTH));
            socket = accept(server);
        }
        catch (final IOException | RuntimeException ex)
        {
            JavaProcess.kill(peer);
            throw ex;
        }

        transport.configure(socket);
        request = ByteBuffer.allocateDirect(MESSAGE_LENGTH);
        for (int i = 0; i < MESSAGE_LENGTH; i++)
        {
            request.put(i, (byte)i);
        }
        reply = ByteBuffer.allocateDirect(MESSAGE_LENGTH);
    }

    private SocketChannel accept(final ServerSocketChannel server) throws IOException
    {
        server.configureBlocking(false);
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (true)
        {
            final SocketChannel accepted = server.accept();
            if (null != accepted)
            {
                return accepted;
            }

            if (!peer.isAlive() || System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("echo peer did not connect; its log " + peerLog + ":\n" + PeerLogs.tail(peerLog));
            }

            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the echo peer", ex);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException
    {
        try
        {
            socket.close();
            if (!peer.waitFor(10, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("echo peer did not exit after the connection closed");
            }

            final Matcher matcher = ECHO_COUNT.matcher(PeerLogs.tail(peerLog));
            if (!matcher.find() || Long.parseLong(matcher.group(1)) != sequence)
            {
                throw new IllegalStateException(
                    "sent " + sequence + " messages; the echo peer said:\n" + PeerLogs.tail(peerLog));
            }
            System.out.println("delivery verified: " + sequence + " round trips, every reply in sequence");
        }
        finally
        {
            JavaProcess.kill(peer);
            Files.deleteIfExists(directory.resolve("echo.sock"));
            Files.deleteIfExists(directory);
            contention.end(SocketRoundTripBenchmark.class.getSimpleName() + "-" + transport);
        }
    }

    @Benchmark
    public long roundTrip() throws IOException
    {
        final long sequence = ++this.sequence;
        final ByteBuffer request = this.request;
        final ByteBuffer reply = this.reply;
        request.putLong(BenchFrames.SEQUENCE_OFFSET, sequence);
        request.putLong(BenchFrames.trailingSequenceOffset(MESSAGE_LENGTH), sequence);
        request.clear();
        SocketIo.writeFully(socket, request);

        reply.clear();
        if (!SocketIo.readFully(socket, reply))
        {
            throw new IllegalStateException("echo peer closed the connection");
        }

        if (reply.getLong(BenchFrames.SEQUENCE_OFFSET) != sequence ||
            reply.getLong(BenchFrames.trailingSequenceOffset(MESSAGE_LENGTH)) != sequence)
        {
            throw new IllegalStateException("echo out of sequence: expected " + sequence);
        }

        return sequence;
    }
}
