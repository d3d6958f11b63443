package io.switchboard.tests.rpc;

import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Clients that try to make a worker take heap: headers of frames declared as large as the session allows and never
 * sent, and PINGs whose PONGs are never read. The workers run with a heap of 128 MiB, which the old behaviour
 * (the declared length allocated at once; every PONG queued) blew through: here they live, keep their pids, and
 * serve the other sessions.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RpcMemoryBoundTest
{
    private static final int SESSIONS_DECLARING = 64;
    /** More PINGs than every buffer between the client and the worker holds, by far. */
    private static final long FLOOD_BYTES = 1700L * 1024 * 24;
    private static final int BYSTANDER_CALLS = 20;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance("--workers", "2", "--worker-jvm-option", "-Xmx128m");
    }

    @AfterAll
    static void stop()
    {
        instance.close();
    }

    @Test
    void headersDeclaringTheLargestFramesCostTheWorkersNothing() throws Exception
    {
        Await.equals(2, () -> instance.readyWorkerPids().size(), "two workers READY");
        final Set<Long> workers = instance.readyWorkerPids();
        final List<Socket> sockets = new ArrayList<>();
        try
        {
            for (int i = 0; i < SESSIONS_DECLARING; i++)
            {
                final Socket socket = connectRaw(0);
                sockets.add(socket);
                socket.getOutputStream().write(RawFrames.hello("test", "declares-" + i));
                final RawFrames.Welcome welcome = RawFrames.readWelcome(new DataInputStream(socket.getInputStream()));
                assertEquals(0, welcome.status(), welcome.message());
                socket.getOutputStream().write(RawFrames.callHeader(1, welcome.maxFrameLength()));
            }

            // sessions on either worker are served while 64 frames of 16 MiB are pending
            for (int i = 0; i < 8; i++)
            {
                try (Session session = connect("bystander-" + i))
                {
                    final TestServices.Probe probe = probe(session);
                    assertTrue(workers.contains(probe.pid()), "served by a worker of before: " + probe.pid());
                }
            }
            assertEquals(workers, instance.readyWorkerPids(), "the same workers, alive");
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
        Await.equals(0, instance::channelsInUse, "the declaring sessions' channels are freed");
        assertEquals(workers, instance.readyWorkerPids(), "the same workers, alive");
    }

    @Test
    void aPingFloodWhosePongsAreNotReadIsHeldBackNotQueued() throws Exception
    {
        Await.equals(2, () -> instance.readyWorkerPids().size(), "two workers READY");
        final Set<Long> workers = instance.readyWorkerPids();
        final String affinity = "ping-flood";
        final AtomicLong written = new AtomicLong();
        final AtomicBoolean writerDone = new AtomicBoolean();
        // a small window: the client's kernel buffers fill at once, and what backs up is the CM's and worker's
        try (Socket flooder = connectRaw(4096); Session bystander = connect(affinity))
        {
            final OutputStream out = flooder.getOutputStream();
            final DataInputStream in = new DataInputStream(new BufferedInputStream(flooder.getInputStream()));
            out.write(RawFrames.hello("test", affinity));
            assertEquals(0, RawFrames.readWelcome(in).status());

            final byte[] pings = new byte[1024 * 24];
            for (int i = 0; i < 1024; i++)
            {
                System.arraycopy(RawFrames.frame(6, i, 0, new byte[0]), 0, pings, i * 24, 24);
            }
            final Thread writer = Thread.ofPlatform().daemon().name("ping-flood").start(() ->
            {
                try
                {
                    while (written.get() < FLOOD_BYTES)
                    {
                        out.write(pings);
                        written.addAndGet(pings.length);
                    }
                }
                catch (final IOException ex)
                {
                    // the session was ended under the flood: the PONG count below tells
                }
                writerDone.set(true);
            });
            Await.isTrue(() -> written.get() >= pings.length * 4L, "the flood flows");

            // the same worker serves another session while the flood is held back
            final TestServices.Probe probe = probe(bystander);
            final long worker = probe.pid();
            for (int i = 0; i < BYSTANDER_CALLS; i++)
            {
                assertEquals(worker, probe.pid());
            }
            assertFalse(writerDone.get(), "the flood cannot all be taken while its PONGs are not read: " +
                written.get() + " bytes written");

            // once the flooder reads, it gets a PONG for every PING, and its writes go through
            long pongs = 0;
            final long expected = FLOOD_BYTES / 24;
            try
            {
                while (pongs < expected)
                {
                    final int length = in.readInt();
                    final int type = in.readUnsignedByte();
                    in.skipNBytes(length - 1);
                    assertEquals(7, type, "PONG");
                    pongs++;
                }
            }
            catch (final java.net.SocketTimeoutException ex)
            {
                fail("no more PONGs after " + pongs + " of " + expected + ", with " + written.get() + " bytes of PINGs " +
                    "written; rings: " + ringsInUse(), ex);
            }
            writer.join();
            assertEquals(FLOOD_BYTES, written.get());
            assertEquals(worker, probe.pid(), "the bystander is served again");
        }
        assertEquals(workers, instance.readyWorkerPids(), "the same workers, alive");
        Await.equals(0, instance::channelsInUse, "the sessions' channels are freed");
    }

    /**
     * For a failure's message: whether the rings of the channels in use hold frames their reader has not taken.
     */
    private static String ringsInUse()
    {
        final var segment = instance.cm().segment();
        final var channels = new io.switchboard.ipc.channel.ChannelTable(segment);
        final StringBuilder rings = new StringBuilder();
        for (int slot = 0; slot < channels.slotCount(); slot++)
        {
            if (channels.state(slot) == io.switchboard.ipc.channel.ChannelState.OPEN)
            {
                final var toWorker = io.switchboard.ipc.channel.ChannelEnd.forWorker(segment, slot, channels.owner(slot));
                final var toCm = io.switchboard.ipc.channel.ChannelEnd.forCm(segment, slot, channels.workerSlot(slot));
                rings.append("[slot ").append(slot).append(": inbound unread ").append(toWorker.reader().isSatisfied())
                    .append(" (head ").append(toWorker.reader().headPosition()).append("), outbound unread ")
                    .append(toCm.reader().isSatisfied()).append(" (head ").append(toCm.reader().headPosition())
                    .append(")] ");
            }
        }
        return rings.toString();
    }

    private static Socket connectRaw(final int receiveBufferSize) throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBufferSize > 0)
        {
            socket.setReceiveBufferSize(receiveBufferSize);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", instance.rpcPort()), 10_000);
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static Session connect(final String affinity) throws Exception
    {
        return Switchboard.connect("127.0.0.1", instance.rpcPort(), "test",
            ClientOptions.defaults().withDefaultDeadline(CALL_DEADLINE).withAffinity(affinity));
    }

    private static TestServices.Probe probe(final Session session) throws Exception
    {
        return session.withDeadline(session.lookup("probe", TestServices.Probe.class), CALL_DEADLINE);
    }
}
