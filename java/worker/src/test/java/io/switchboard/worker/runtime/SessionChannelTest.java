package io.switchboard.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.protocol.rpc.RpcErrorCode;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.testsupport.LogCapture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker's session channels under clients that take its memory: frames declared large and sent slowly or never,
 * and PINGs whose PONGs are never read. The heap the sessions take stays within the worker's bounds, and the other
 * sessions are served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionChannelTest
{
    private static final int RING_CAPACITY = 64 * 1024;
    private static final int MAX_FRAME = 1 << 20;

    @Test
    void shouldTakeNoBudgetForHeadersThatDeclareLargeFramesAndServeOtherSessions()
    {
        try (SessionHarness worker = new SessionHarness(80, RING_CAPACITY, 4L << 20, 4L << 20))
        {
            final byte[] declaresAMegabyte = Arrays.copyOf(SessionHarness.call(1, 0, "nope", MAX_FRAME - 40), 24);
            final List<SessionHarness.Session> silent = new ArrayList<>();
            for (int i = 0; i < 64; i++)
            {
                final SessionHarness.Session session = worker.open(MAX_FRAME);
                assertEquals(24, session.offer(declaresAMegabyte, 0));
                silent.add(session);
            }
            for (int i = 0; i < 10; i++)
            {
                worker.poll();
            }
            assertEquals(0, worker.resources.inbound().usedBytes(), "a header costs no budget");

            final SessionHarness.Session other = worker.open(MAX_FRAME);
            other.send(SessionHarness.frame(RpcFrame.PING, 77, 0, new byte[0]));
            pollUntil(worker, other, 1);
            assertEquals(RpcFrame.PONG, other.frames().getFirst().type());
            assertEquals(77, other.frames().getFirst().callId());
        }
    }

    @Test
    void shouldLeaveBytesInTheRingWithoutBudgetAndTakeThemOnceAnotherFrameGaveItBack()
    {
        final long budget = MAX_FRAME;
        try (SessionHarness worker = new SessionHarness(8, RING_CAPACITY, budget, 4L << 20))
        {
            final byte[] first = SessionHarness.call(1, 0, "nope", MAX_FRAME - 40);
            final byte[] second = SessionHarness.call(1, 0, "nope", MAX_FRAME - 40);
            final SessionHarness.Session a = worker.open(MAX_FRAME);
            final SessionHarness.Session b = worker.open(MAX_FRAME);
            final int half = first.length / 2;
            a.send(Arrays.copyOf(first, half));
            assertTrue(worker.resources.inbound().usedBytes() >= half - 16 * 1024, "a holds what arrived");

            // b's bytes would leave too little for a to finish: b is not read, its ring fills
            int offered = 0;
            for (int i = 0; i < 100; i++)
            {
                offered += b.offer(second, offered);
                worker.poll();
            }
            assertTrue(offered < second.length, "b's ring filled: offered " + offered);
            assertTrue(worker.resources.inbound().usedBytes() <= budget, "used " +
                worker.resources.inbound().usedBytes());

            // a completes its frame: it is answered, gives its budget back, and b is read again
            a.send(Arrays.copyOfRange(first, half, first.length));
            pollUntil(worker, a, 1);
            assertEquals(RpcErrorCode.NO_SUCH_METHOD, a.frames().getFirst().errorCode());
            b.send(Arrays.copyOfRange(second, offered, second.length));
            pollUntil(worker, b, 1);
            assertEquals(RpcErrorCode.NO_SUCH_METHOD, b.frames().getFirst().errorCode());
            assertEquals(0, worker.resources.inbound().usedBytes(), "all given back");
        }
    }

    @Test
    void shouldEndASessionWhoseFrameCouldNeverFitTheBudgetWithAProtocolError()
    {
        try (SessionHarness worker = new SessionHarness(8, RING_CAPACITY, 256 * 1024, 4L << 20))
        {
            final SessionHarness.Session session = worker.open(MAX_FRAME);
            session.send(Arrays.copyOf(SessionHarness.call(1, 0, "nope", MAX_FRAME - 40), 24));
            pollUntil(worker, session, 1);
            final SessionHarness.Frame goodbye = session.frames().getFirst();
            assertEquals(RpcFrame.GOODBYE, goodbye.type());
            assertEquals(7, goodbye.errorCode(), "GOODBYE 7: protocol error");
            final String message = new String(goodbye.afterLength(), 24, goodbye.afterLength().length - 24,
                StandardCharsets.UTF_8);
            assertTrue(message.contains("this side can hold"), message);
        }
    }

    @Test
    void shouldStopReadingASessionThatDoesNotReadItsPongs()
    {
        final long outboundBound = 4L << 20;
        try (SessionHarness worker = new SessionHarness(8, RING_CAPACITY, 4L << 20, outboundBound))
        {
            final SessionHarness.Session flooder = worker.open(MAX_FRAME);
            final byte[] ping = SessionHarness.frame(RpcFrame.PING, 1, 0, new byte[0]);
            final byte[] pings = new byte[ping.length * 1024];
            for (int i = 0; i < 1024; i++)
            {
                System.arraycopy(ping, 0, pings, i * ping.length, ping.length);
            }
            // never reading the outbound ring: after it fills, PONGs queue, then the worker stops reading PINGs
            long sentBytes = 0;
            int idlePasses = 0;
            while (idlePasses < 1000)
            {
                // an endless stream of PINGs, cut wherever the ring is full
                final int n = flooder.offer(pings, (int)(sentBytes % pings.length));
                sentBytes += n;
                worker.poll();
                idlePasses = n == 0 ? idlePasses + 1 : 0;
                assertTrue(worker.resources.outboundQueuedBytes() <=
                    SessionRingSink.READ_RESUME_BYTES + RING_CAPACITY, "queued " +
                    worker.resources.outboundQueuedBytes());
            }
            final long sent = sentBytes / ping.length;
            assertTrue(sent > 0 && sent < 1_000_000, "the flooder's inbound ring filled after " + sent + " PINGs");

            // another session is served meanwhile
            final SessionHarness.Session other = worker.open(MAX_FRAME);
            other.send(SessionHarness.frame(RpcFrame.PING, 5, 0, new byte[0]));
            pollUntil(worker, other, 1);
            assertEquals(RpcFrame.PONG, other.frames().getFirst().type());

            // once the flooder reads, every PING is answered
            final long expected = sent;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (flooder.received.size() < expected * ping.length && System.nanoTime() - deadlineNs < 0)
            {
                worker.poll();
                flooder.readOutbound();
                Thread.onSpinWait();
            }
            assertEquals(expected * ping.length, flooder.received.size(), "a PONG for every PING");
            assertTrue(flooder.frames().stream().allMatch(f -> f.type() == RpcFrame.PONG));
        }
    }

    @Test
    void shouldRefuseNewCallsWithShuttingDownOnceTheWorkerDrains()
    {
        try (SessionHarness worker = new SessionHarness(8, RING_CAPACITY, 4L << 20, 4L << 20))
        {
            final SessionHarness.Session before = worker.open(MAX_FRAME);
            worker.poller.drain();
            before.send(SessionHarness.call(3, 0, "lookup", 4));
            pollUntil(worker, before, 1);
            assertEquals(RpcFrame.ERROR, before.frames().getFirst().type());
            assertEquals(RpcErrorCode.SHUTTING_DOWN, before.frames().getFirst().errorCode());

            final SessionHarness.Session after = worker.open(MAX_FRAME);
            after.send(SessionHarness.call(1, 0, "lookup", 4));
            pollUntil(worker, after, 1);
            assertEquals(RpcErrorCode.SHUTTING_DOWN, after.frames().getFirst().errorCode(), "opened while draining");
        }
    }

    @Test
    void shouldLogAnUnexpectedChannelFrame()
    {
        try (SessionHarness worker = new SessionHarness(8, RING_CAPACITY, 4L << 20, 4L << 20);
            LogCapture log = LogCapture.of(SessionChannel.class))
        {
            final SessionHarness.Session session = worker.open(MAX_FRAME);
            assertTrue(session.end.writer().offer(0x99, io.switchboard.ipc.memory.SharedBuffer.wrap(new byte[8]), 0, 8));
            session.end.signalPeer();
            for (int i = 0; i < 10; i++)
            {
                worker.poll();
            }
            assertTrue(log.contains("unexpected"), String.valueOf(log.messages()));
        }
    }

    @Test
    void shouldTakeASessionOpenedWhileItLookedAtTheSlotUnderThatSessionsChannelId()
    {
        try (SessionHarness worker = new SessionHarness(1, RING_CAPACITY, 4L << 20, 4L << 20))
        {
            // the slot carried a session before (its kind says RPC) and is free now
            final long before = worker.channels.allocate(ChannelKind.RPC, 0, 0);
            worker.channels.beginClose(before);
            worker.channels.release(before);
            final List<SessionHarness.Session> opened = new ArrayList<>();
            worker.poller.afterSlotWordRead(slot ->
            {
                if (!opened.isEmpty())
                {
                    return;
                }
                // the CM, between the worker's load of the slot's word and the rest of its look: a session given
                // up at once (its client gone), then the next one on the same slot
                final long gone = worker.channels.allocate(ChannelKind.RPC, 0, 0);
                worker.channels.beginClose(gone);
                worker.channels.release(gone);
                opened.add(worker.sendOpen(worker.channels.allocate(ChannelKind.RPC, 0, 0), MAX_FRAME));
            });
            // a ring while the slot was free (the CM's last retire rings once more)
            ChannelEnd.forCm(worker.temp.segment(), 0, 0).signalPeer();

            worker.poll();
            final SessionHarness.Session session = opened.getFirst();
            assertEquals(ChannelId.generation(before) + 2, ChannelId.generation(session.channelId), "the slot reused");
            session.send(SessionHarness.frame(RpcFrame.PING, 5, 0, new byte[0]));
            pollUntil(worker, session, 1);
            assertTrue(session.accepted, "accepted under its own channel id");
            assertEquals(RpcFrame.PONG, session.frames().getFirst().type());
        }
    }

    private static void pollUntil(final SessionHarness worker, final SessionHarness.Session session, final int frames)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (session.frames().size() < frames && System.nanoTime() - deadlineNs < 0)
        {
            worker.poll();
            session.readOutbound();
            Thread.onSpinWait();
        }
        assertTrue(session.frames().size() >= frames, "frames received: " + session.frames().size());
    }
}
