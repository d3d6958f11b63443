package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.rpc.DeployedServices;
import io.switchboard.testsupport.TempSegment;

import java.io.ByteArrayOutputStream;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A worker's poller on a real segment in this JVM, with the test thread as both the poller and the CM: the test
 * opens RPC channels, writes stream bytes into their inbound rings and reads their outbound rings, and runs the
 * poller's passes itself ({@link #poll}).
 */
final class SessionHarness implements AutoCloseable
{
    static final String APPLICATION = "test";
    private static final int WORKER_SLOT = 0;

    final TempSegment temp;
    final ChannelTable channels;
    final SessionResources resources;
    final ChannelPoller poller;
    private final List<Session> opened = new ArrayList<>();

    SessionHarness(final int channelCount, final int ringCapacity, final long inboundBudgetBytes,
        final long outboundQueueBytes)
    {
        temp = TempSegment.create(new SegmentLayout(1, channelCount, ringCapacity, 1));
        channels = new ChannelTable(temp.segment());
        final var doorbell = new WorkerSlots(temp.segment()).doorbell(WORKER_SLOT);
        resources = new SessionResources(inboundBudgetBytes, outboundQueueBytes, doorbell::requeue);
        poller = new ChannelPoller(temp.segment(), channels, doorbell, WORKER_SLOT, exchange ->
        {
            throw new AssertionError("no HTTP here");
        }, Map.of(APPLICATION, new DeployedServices(APPLICATION)), resources);
    }

    /**
     * One session as the CM sees it: its channel's rings, and the stream bytes the worker sent so far.
     */
    final class Session
    {
        final long channelId;
        final ChannelEnd end;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean accepted;

        Session(final long channelId)
        {
            this.channelId = channelId;
            this.end = ChannelEnd.forCm(temp.segment(), ChannelId.slot(channelId), WORKER_SLOT);
        }

        /**
         * Writes as much of {@code bytes} from {@code from} as the inbound ring takes now, as STREAM frames.
         *
         * @return bytes written.
         */
        int offer(final byte[] bytes, final int from)
        {
            final RingWriter writer = end.writer();
            int at = from;
            while (at < bytes.length)
            {
                final int chunk = Math.min(bytes.length - at, writer.maxPayloadLength());
                if (!writer.offer(RpcChannelFrameType.STREAM, SharedBuffer.wrap(bytes), at, chunk))
                {
                    break;
                }
                at += chunk;
            }
            if (at > from)
            {
                end.signalPeer();
            }
            return at - from;
        }

        /**
         * Writes all of {@code bytes}, running the poller while the ring is full; fails if the worker stops reading.
         */
        void send(final byte[] bytes)
        {
            int at = 0;
            int idle = 0;
            while (at < bytes.length)
            {
                final int n = offer(bytes, at);
                at += n;
                poll();
                readOutbound();
                idle = n == 0 ? idle + 1 : 0;
                if (idle > 10_000)
                {
                    throw new AssertionError("the worker stopped reading " + ChannelId.toString(channelId) + " at " +
                        at + " of " + bytes.length + " bytes");
                }
            }
        }

        /**
         * Takes what the worker wrote into the outbound ring.
         */
        void readOutbound()
        {
            end.reader().read((buffer, offset, length, type, flags) ->
            {
                if (type == RpcChannelFrameType.SESSION_ACCEPTED)
                {
                    accepted = true;
                }
                else if (type == RpcChannelFrameType.STREAM)
                {
                    received.writeBytes(buffer.toByteArray(offset, length));
                }
            }, Integer.MAX_VALUE);
        }

        /**
         * @return the whole RPC frames received so far, each as {type, call id} and the frame.
         */
        List<Frame> frames()
        {
            final List<Frame> frames = new ArrayList<>();
            final ByteBuffer stream = ByteBuffer.wrap(received.toByteArray());
            while (stream.remaining() >= 4 && stream.remaining() >= 4 + stream.getInt(stream.position()))
            {
                final int length = stream.getInt();
                final byte[] rest = new byte[length];
                stream.get(rest);
                final ByteBuffer body = ByteBuffer.wrap(rest);
                frames.add(new Frame(body.get(0) & 0xFF, body.getLong(4), rest));
            }
            return frames;
        }
    }

    record Frame(int type, long callId, byte[] afterLength)
    {
        int errorCode()
        {
            return ByteBuffer.wrap(afterLength).getShort(20) & 0xFFFF;
        }
    }

    /**
     * Opens a session of the test application with these limits and runs the poller until it is accepted.
     */
    Session open(final int maxFrameLength)
    {
        final long id = channels.allocate(ChannelKind.RPC, WORKER_SLOT, 0);
        if (id == ChannelId.NONE)
        {
            throw new IllegalStateException("no free channel");
        }
        final Session session = sendOpen(id, maxFrameLength);
        for (int i = 0; i < 1000 && !session.accepted; i++)
        {
            poll();
            session.readOutbound();
        }
        if (!session.accepted)
        {
            throw new AssertionError("session " + ChannelId.toString(id) + " not accepted");
        }
        return session;
    }

    /**
     * Writes SESSION_OPEN of the test application into channel {@code id}'s inbound ring and rings; polls nothing.
     */
    Session sendOpen(final long id, final int maxFrameLength)
    {
        final Session session = new Session(id);
        opened.add(session);
        final byte[] name = APPLICATION.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer open = ByteBuffer.allocate(RpcChannelFrameType.OPEN_APPLICATION_OFFSET + name.length)
            .putLong(id).putInt(maxFrameLength).putInt(1024).putShort((short)name.length).put(name);
        final RingWriter writer = session.end.writer();
        if (!writer.offer(RpcChannelFrameType.SESSION_OPEN, SharedBuffer.wrap(open.array()), 0, open.capacity()))
        {
            throw new IllegalStateException("no room for SESSION_OPEN");
        }
        session.end.signalPeer();
        return session;
    }

    int poll()
    {
        return poller.poll();
    }

    /**
     * An RPC frame of docs/rpc-protocol.md section 3: header, then {@code rest}.
     */
    static byte[] frame(final int type, final long callId, final long objectId, final byte[] rest)
    {
        return ByteBuffer.allocate(24 + rest.length).putInt(20 + rest.length).put((byte)type).put((byte)0)
            .putShort((short)0).putLong(callId).putLong(objectId).put(rest).array();
    }

    /**
     * A CALL of {@code method} on object {@code objectId}, its arguments a CBOR array of one byte string of
     * {@code argumentBytes} bytes.
     */
    static byte[] call(final long callId, final long objectId, final String method, final int argumentBytes)
    {
        final byte[] name = method.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer rest = ByteBuffer.allocate(6 + name.length + 6 + argumentBytes);
        rest.putInt(0).putShort((short)name.length).put(name);
        rest.put((byte)0x81).put((byte)0x5A).putInt(argumentBytes);
        return frame(1, callId, objectId, rest.array());
    }

    /**
     * Ends every session as the CM does (CLOSING, then wait for the worker to be done with the rings), so that no
     * drainer thread is inside a ring when the segment goes.
     */
    @Override
    public void close()
    {
        try
        {
            for (final Session session : opened)
            {
                channels.beginClose(session.channelId);
                session.end.signalPeer();
            }
            final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!opened.stream().allMatch(session -> channels.isWorkerDone(session.channelId)))
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new AssertionError("the worker was never done with its sessions");
                }
                poll();
                Thread.onSpinWait();
            }
        }
        finally
        {
            temp.close();
        }
    }
}
