package io.switchboard.cm.net;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.rpc.HelloOptions;
import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcFrameScanner;
import io.switchboard.protocol.rpc.RpcGoodbyeCode;
import io.switchboard.protocol.rpc.RpcHandshake;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;


/**
 * One distributed session: a client's TCP connection and the one channel that
 * carries the session to its worker (docs/rpc-protocol.md).
 * <pre>
 *   HELLO --hello--> WAIT_WORKER --channel--> OPENING --SESSION_ACCEPTED--> OPEN --goodbye, EOF,--> CLOSED
 *     |                 (queued; WELCOME 3       |                                 worker lost
 *     |                  on timeout)             +--SESSION_REJECTED: WELCOME with the worker's status--> CLOSED
 *     +--malformed or unknown application: WELCOME 5 or 2--> CLOSED
 * </pre>
 * In OPEN the connection relays the session's byte stream without decoding a
 * payload. Client to worker: the socket is read straight into ring space
 * claimed for it, cut where the read ended; a {@link RpcFrameScanner} follows
 * the frame boundaries and checks each header's length and type, and only the
 * well-formed prefix is published. Worker to client: each ring message is one
 * RPC frame, checked the same way (the segment is not trusted) and written
 * from the ring to the socket; small ones are gathered in the output buffer so
 * that a batch leaves in one write. Backpressure works both ways: a full
 * inbound ring stops reading the socket; a socket that does not take more
 * stops reading the outbound ring, and the worker waits for space.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class RpcConnection implements Connection
{
    enum State
    {
        HELLO, WAIT_WORKER, OPENING, OPEN, CLOSED
    }

    /** Frames up to this size are copied into the output buffer, so that a batch leaves in one write. */
    private static final int COPY_THRESHOLD = 4096;
    private static final int FRAMES_PER_BATCH = 64;

    private final IoThread io;
    private final RpcSettings settings;
    private final SocketChannel socket;
    private final ClientSocket client;
    private final SelectionKey key;
    private final ByteBuffer in;
    private final ByteBuffer out;
    private final MemorySegment outSegment;
    private final ByteBuffer[] gather = new ByteBuffer[2];
    private final RpcFrameScanner fromClient;
    private final RpcFrameScanner fromWorker;
    private final FrameHandler openingHandler = this::onOpeningFrame;
    private final FrameHandler streamHandler = this::onStreamFrame;

    private State state = State.HELLO;
    private long deadlineNs;
    private RpcHandshake.Hello hello;
    private String affinity;
    private long channelId = ChannelId.NONE;
    private int workerSlot = -1;
    private ChannelEnd end;
    private boolean inboundBlocked;
    /** Calls the client sent that the worker has not answered yet, as this connection last told its I/O thread. */
    private long awaitingReported;
    private boolean closeWhenFlushed;

    /**
     * @param initial bytes already read from the socket (by a connection that sniffed the protocol), or null.
     */
    RpcConnection(
        final IoThread io,
        final RpcSettings settings,
        final SocketChannel socket,
        final SelectionKey key,
        final IoThread.Buffers buffers,
        final ByteBuffer initial)
    {
        this.io = io;
        this.settings = settings;
        this.socket = socket;
        this.key = key;
        this.client = new ClientSocket(socket, key);
        final int inCapacity = Math.max(buffers.inputCapacity(), RpcHandshake.MAX_HELLO_LENGTH);
        this.in = ByteBuffer.allocateDirect(Math.max(inCapacity, initial == null ? 0 : initial.remaining()));
        if (initial != null)
        {
            in.put(initial);
        }
        in.flip();
        this.out = ByteBuffer.allocateDirect(buffers.outputCapacity());
        this.outSegment = MemorySegment.ofBuffer(out.duplicate().clear());
        this.fromClient = new RpcFrameScanner(settings.maxFrameLength());
        this.fromWorker = new RpcFrameScanner(settings.maxFrameLength());
        this.deadlineNs = System.nanoTime() + io.timeouts().headNs();
    }

    public ChannelKind channelKind()
    {
        return ChannelKind.RPC;
    }

    public long channelId()
    {
        return channelId;
    }

    /**
     * @return the client's affinity key (HELLO option), or null.
     */
    String affinity()
    {
        return affinity;
    }

    public int workerSlot()
    {
        return workerSlot;
    }

    // ---------------------------------------------------------------- socket events

    public void onReadable()
    {
        try
        {
            switch (state)
            {
                case HELLO -> readHello();
                case OPEN -> pumpInbound();
                case WAIT_WORKER, OPENING ->
                {
                    // frames sent ahead of the WELCOME wait in the buffer; an EOF means the client left
                    if (!client.holdWhileWaiting(in))
                    {
                        onClientGone();
                    }
                }
                case CLOSED ->
                {
                }
            }
        }
        catch (final IOException ex)
        {
            onClientGone();
        }
    }

    public void onWritable()
    {
        try
        {
            if (!flush())
            {
                return;
            }
            interest(SelectionKey.OP_WRITE, false);
            if (closeWhenFlushed || state == State.CLOSED)
            {
                close();
            }
            else if (state == State.OPEN)
            {
                // the socket drained: go on relaying what the worker wrote
                onOutbound();
            }
        }
        catch (final IOException ex)
        {
            onClientGone();
        }
    }

    private int fill() throws IOException
    {
        return client.fill(in);
    }

    // ---------------------------------------------------------------- handshake

    /**
     * Reads until a whole HELLO is in, then answers it or asks for a worker. Also called by the
     * {@link HttpConnection} that handed its socket over, with the first bytes in the buffer.
     */
    void readHello() throws IOException
    {
        final boolean inputClosed = fill() < 0;
        try
        {
            hello = RpcHandshake.readHello(in);
        }
        catch (final RpcHandshake.MalformedHandshakeException ex)
        {
            refuse(RpcHandshake.STATUS_MALFORMED_HELLO, "malformed HELLO: " + ex.getMessage());
            return;
        }
        if (hello == null)
        {
            if (inputClosed)
            {
                close();
            }
            else if (in.limit() == in.capacity() && in.position() == 0)
            {
                refuse(RpcHandshake.STATUS_MALFORMED_HELLO, "HELLO longer than " + in.capacity() + " bytes");
            }
            return;
        }
        try
        {
            final Object affinity = HelloOptions.parse(hello.options()).get(HelloOptions.AFFINITY);
            this.affinity = affinity instanceof String text ? text : null;
        }
        catch (final RpcHandshake.MalformedHandshakeException ex)
        {
            refuse(RpcHandshake.STATUS_MALFORMED_HELLO, "malformed HELLO: " + ex.getMessage());
            return;
        }
        if (hello.version() != RpcHandshake.VERSION)
        {
            refuse(RpcHandshake.STATUS_UNSUPPORTED_VERSION, "version " + hello.version() + " is not spoken here; " +
                "this CM speaks version " + RpcHandshake.VERSION);
            return;
        }
        if (!settings.applications().contains(hello.application()))
        {
            refuse(RpcHandshake.STATUS_UNKNOWN_APPLICATION, "no application '" + hello.application() +
                "' is deployed for distributed sessions; deployed: " + settings.applications());
            return;
        }
        if (io.isStopping())
        {
            refuse(RpcHandshake.STATUS_SHUTTING_DOWN, "the connection manager is shutting down");
            return;
        }
        state = State.WAIT_WORKER;
        deadlineNs = System.nanoTime() + io.timeouts().queueNs();
        if (!io.openSession(this) && !io.enqueue(this))
        {
            refuse(RpcHandshake.STATUS_NO_WORKER, "too many sessions and requests waiting for a worker");
        }
    }

    public boolean retryDispatch()
    {
        return state != State.WAIT_WORKER || io.openSession(this);
    }

    /**
     * The I/O thread has a channel for this session: tell the worker.
     */
    void onChannel(final long channelId, final int workerSlot, final ChannelEnd end)
    {
        this.channelId = channelId;
        this.workerSlot = workerSlot;
        this.end = end;
        // the views are kept per slot: a new generation starts from the positions the CM reset
        end.resync();
        final byte[] application = hello.application().getBytes(StandardCharsets.UTF_8);
        final int length = RpcChannelFrameType.OPEN_APPLICATION_OFFSET + application.length;
        final RingWriter writer = end.writer();
        final long at = writer.tryClaim(RpcChannelFrameType.SESSION_OPEN, FrameDescriptor.UNFRAGMENTED, length);
        if (at == RingWriter.INSUFFICIENT_CAPACITY)
        {
            // a fresh channel's ring is empty: this cannot happen unless the segment is damaged
            io.reportBadWorker(workerSlot, channelId, "no room for SESSION_OPEN in a fresh ring");
            retireChannel();
            refuse(RpcHandshake.STATUS_NO_WORKER, "the worker's channel could not be opened");
            return;
        }
        // the I/O thread's buffer is shared: HeadWriter leaves it little-endian, the channel frames are big-endian
        final ByteBuffer ring = io.segmentBuffer().order(java.nio.ByteOrder.BIG_ENDIAN);
        final int base = Math.toIntExact(at);
        ring.putLong(base + RpcChannelFrameType.OPEN_SESSION_ID_OFFSET, channelId);
        ring.putInt(base + RpcChannelFrameType.OPEN_MAX_FRAME_OFFSET, settings.maxFrameLength());
        ring.putInt(base + RpcChannelFrameType.OPEN_MAX_CALLS_OFFSET, settings.maxCallsInFlight());
        ring.putShort(base + RpcChannelFrameType.OPEN_APPLICATION_LENGTH_OFFSET, (short)application.length);
        ring.put(base + RpcChannelFrameType.OPEN_APPLICATION_OFFSET, application);
        writer.commit();
        end.signalPeer();
        state = State.OPENING;
        deadlineNs = System.nanoTime() + io.timeouts().queueNs();
    }

    private void onOpeningFrame(final MemorySegment memory, final long offset, final int length, final int type,
        final int flags)
    {
        switch (type)
        {
            case RpcChannelFrameType.SESSION_ACCEPTED ->
            {
                RpcHandshake.writeWelcome(out, RpcHandshake.STATUS_OK, settings.maxFrameLength(),
                    settings.maxCallsInFlight(), channelId, "session " + ChannelId.toString(channelId) + " on worker " +
                    workerSlot);
                state = State.OPEN;
            }
            case RpcChannelFrameType.SESSION_REJECTED ->
            {
                if (length < RpcChannelFrameType.REJECTED_MESSAGE_OFFSET)
                {
                    throw new BadWorkerFrame("SESSION_REJECTED of " + length + " bytes");
                }
                final int status = memory.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED
                    .withOrder(java.nio.ByteOrder.BIG_ENDIAN), offset + RpcChannelFrameType.REJECTED_STATUS_OFFSET) & 0xFFFF;
                final int textLength = Math.min(length - RpcChannelFrameType.REJECTED_MESSAGE_OFFSET,
                    RpcHandshake.MAX_WELCOME_MESSAGE_LENGTH);
                final byte[] text = memory.asSlice(offset + RpcChannelFrameType.REJECTED_MESSAGE_OFFSET, textLength)
                    .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                retireChannel();
                refuse(status == RpcHandshake.STATUS_OK ? RpcHandshake.STATUS_NO_WORKER : status,
                    new String(text, StandardCharsets.UTF_8));
            }
            default -> throw new BadWorkerFrame(
                "expected SESSION_ACCEPTED or SESSION_REJECTED, got " + RpcChannelFrameType.name(type));
        }
    }

    /**
     * Answers the HELLO with a failure status and closes.
     */
    private void refuse(final int status, final String message)
    {
        io.dequeue(this);
        out.clear();
        RpcHandshake.writeWelcome(out, status, settings.maxFrameLength(), settings.maxCallsInFlight(), 0, message);
        state = State.CLOSED;
        closeAfterFlush();
    }

    // ---------------------------------------------------------------- relay: client to worker

    public void onRingSpace()
    {
        if (state == State.OPEN)
        {
            inboundBlocked = false;
            // blockOnRing turned reading off; the pump below may stop on an empty socket rather than a full
            // ring, and then only the selector can say when the client sends more (or leaves)
            interest(SelectionKey.OP_READ, true);
            pumpInbound();
        }
    }

    /**
     * Moves client bytes into the inbound ring until the socket has no more or the ring no room.
     */
    private void pumpInbound()
    {
        final RingWriter writer = end.writer();
        boolean published = false;
        try
        {
            // bytes that came with or right after the HELLO, once
            while (in.hasRemaining())
            {
                final int room = Math.min(writer.writablePayloadLength(), in.remaining());
                final long at = claimOrBlock(writer, room);
                if (at == RingWriter.INSUFFICIENT_CAPACITY)
                {
                    return;
                }
                final int valid = fromClient.scan(in, in.position(), room);
                MemorySegment.copy(MemorySegment.ofBuffer(in), 0, io.memory(), at, valid);
                published |= publish(writer, valid);
                in.position(in.position() + valid);
                if (endOfClientStream())
                {
                    return;
                }
            }
            while (true)
            {
                final int room = writer.writablePayloadLength();
                final long at = claimOrBlock(writer, room);
                if (at == RingWriter.INSUFFICIENT_CAPACITY)
                {
                    return;
                }
                final int n;
                try
                {
                    n = socket.read(io.ringView(at, room));
                }
                catch (final IOException ex)
                {
                    writer.abort();
                    onClientGone();
                    return;
                }
                if (n <= 0)
                {
                    writer.abort();
                    if (n < 0)
                    {
                        onClientGone();
                    }
                    return;
                }
                published |= publish(writer, fromClient.scan(io.segmentBuffer(), Math.toIntExact(at), n));
                if (endOfClientStream() || n < room)
                {
                    return;
                }
            }
        }
        finally
        {
            if (published && end != null)
            {
                end.signalPeer();
            }
            reportAwaiting();
        }
    }

    /**
     * Claims {@code room} bytes of the inbound ring, or stops reading the client until the worker frees space.
     *
     * @return the payload's offset, or {@link RingWriter#INSUFFICIENT_CAPACITY} when reading stopped.
     */
    private long claimOrBlock(final RingWriter writer, final int room)
    {
        // a refused claim after the writer said it had room means the worker's side of the ring moved under
        // us (a rogue's head): wait as for a full ring, the audit judges it
        final long at = room == 0 ? RingWriter.INSUFFICIENT_CAPACITY :
            writer.tryClaim(RpcChannelFrameType.STREAM, FrameDescriptor.UNFRAGMENTED, room);
        if (at == RingWriter.INSUFFICIENT_CAPACITY)
        {
            blockOnRing();
        }
        return at;
    }

    /**
     * Tells the I/O thread how many of this client's calls wait for the worker's answer: while any
     * do, the thread spins instead of sleeping, since the answer is microseconds away and a sleep
     * would cost two thread wake-ups (see {@link IoThread}).
     */
    private void reportAwaiting()
    {
        io.sessionTraffic();
        final long awaiting = channelId == ChannelId.NONE ? 0 : Math.max(0, fromClient.calls() - fromWorker.answers());
        if (awaiting != awaitingReported)
        {
            io.awaitingAnswers(awaiting - awaitingReported);
            awaitingReported = awaiting;
        }
    }

    private static boolean publish(final RingWriter writer, final int length)
    {
        if (length == 0)
        {
            writer.abort();
            return false;
        }
        writer.commit(length);
        return true;
    }

    /**
     * @return true when the client's stream is over: a protocol error, or its GOODBYE went through.
     */
    private boolean endOfClientStream()
    {
        if (fromClient.error() != null)
        {
            endSession(RpcGoodbyeCode.PROTOCOL_ERROR, "protocol error: " + fromClient.error());
            return true;
        }
        if (fromClient.goodbyeComplete())
        {
            // the client will send nothing more; what the worker still has in flight goes nowhere
            retireChannel();
            closeAfterFlush();
            return true;
        }
        return false;
    }

    private void blockOnRing()
    {
        if (!inboundBlocked)
        {
            inboundBlocked = true;
            interest(SelectionKey.OP_READ, false);
            io.blockedOnRing(this);
        }
    }

    // ---------------------------------------------------------------- relay: worker to client

    public int onOutbound()
    {
        if (end == null)
        {
            return 0;
        }
        int frames = 0;
        try
        {
            if (state == State.OPENING)
            {
                frames = end.reader().read(openingHandler, 1);
                if (state == State.OPEN)
                {
                    flush();
                    interest(SelectionKey.OP_READ, true);
                    pumpInbound();
                }
                else
                {
                    return frames;
                }
            }
            while (state == State.OPEN && !closeWhenFlushed && out.position() <= io.buffers().flushThreshold())
            {
                final int n = end.reader().read(streamHandler, FRAMES_PER_BATCH);
                if (n == 0)
                {
                    break;
                }
                frames += n;
            }
            reportAwaiting();
            if (!flush())
            {
                return frames;
            }
            if (fromWorker.goodbyeComplete() && state == State.OPEN)
            {
                retireChannel();
                closeAfterFlush();
            }
        }
        catch (final BadWorkerFrame ex)
        {
            onWorkerFault(ex.getMessage());
        }
        catch (final io.switchboard.ipc.ring.RingCorruptedException ex)
        {
            onWorkerFault(ex.getMessage());
        }
        catch (final IOException | ClientGone ex)
        {
            onClientGone();
        }
        return frames;
    }

    private void onStreamFrame(final MemorySegment memory, final long offset, final int length, final int type,
        final int flags)
    {
        if (type != RpcChannelFrameType.STREAM)
        {
            throw new BadWorkerFrame("unexpected " + RpcChannelFrameType.name(type) + " in an open session");
        }
        final int at = Math.toIntExact(offset);
        if (fromWorker.scan(io.segmentBuffer(), at, length) != length)
        {
            throw new BadWorkerFrame(fromWorker.error());
        }
        if (length <= COPY_THRESHOLD && out.remaining() >= length)
        {
            MemorySegment.copy(memory, offset, outSegment, out.position(), length);
            out.position(out.position() + length);
            return;
        }
        // zero copy: what is pending, then the ring's bytes, in one gathering write
        final ByteBuffer frame = io.ringView(offset, length);
        out.flip();
        gather[0] = out;
        gather[1] = frame;
        try
        {
            socket.write(gather, 0, 2);
        }
        catch (final IOException ex)
        {
            out.clear();
            throw new ClientGone();
        }
        finally
        {
            gather[1] = null;
        }
        // whatever the socket did not take is copied and sent when it drains: the output
        // buffer holds two ring frames, and the loop reads no more once it is half full
        out.compact();
        if (frame.hasRemaining())
        {
            out.put(frame);
        }
    }

    /**
     * @return true when everything is written.
     */
    private boolean flush() throws IOException
    {
        return client.flush(out);
    }

    // ---------------------------------------------------------------- the end

    /**
     * Ends the session from the CM's side: a GOODBYE to the client if the stream to it is between frames
     * (otherwise the connection just closes), and the channel to the worker closes.
     */
    private void endSession(final int code, final String message)
    {
        if (fromWorker.atFrameBoundary() && state == State.OPEN)
        {
            appendGoodbye(code, message);
        }
        retireChannel();
        state = State.CLOSED;
        closeAfterFlush();
    }

    private void appendGoodbye(final int code, final String message)
    {
        final byte[] text = message.getBytes(StandardCharsets.UTF_8);
        final int textLength = Math.min(text.length, Math.min(1024, out.remaining() - RpcFrame.GOODBYE_MESSAGE_OFFSET));
        if (textLength < 0)
        {
            return;
        }
        out.putInt(RpcFrame.GOODBYE_MESSAGE_OFFSET - RpcFrame.LENGTH_FIELD_LENGTH + textLength)
            .put((byte)RpcFrame.GOODBYE)
            .put((byte)0)
            .putShort((short)0)
            .putLong(0)
            .putLong(0)
            .putShort((short)code)
            .putShort((short)textLength)
            .put(text, 0, textLength);
    }

    public void onWorkerFault(final String what)
    {
        if (channelId == ChannelId.NONE)
        {
            return;
        }
        io.reportBadWorker(workerSlot, channelId, what);
        if (state == State.OPENING)
        {
            retireChannel();
            refuse(RpcHandshake.STATUS_NO_WORKER, "the worker broke the protocol while opening the session");
            return;
        }
        endSession(RpcGoodbyeCode.SESSION_LOST, "session lost: worker " + workerSlot + " broke the protocol");
    }

    public void onWorkerLost()
    {
        // the I/O thread released the channel already
        io.awaitingAnswers(-awaitingReported);
        awaitingReported = 0;
        channelId = ChannelId.NONE;
        end = null;
        switch (state)
        {
            case OPENING -> refuse(RpcHandshake.STATUS_NO_WORKER, "the worker died while opening the session");
            case OPEN -> endSession(RpcGoodbyeCode.SESSION_LOST, "session lost: worker " + workerSlot + " died");
            default -> close();
        }
    }

    public void abandon()
    {
        onClientGone();
    }

    private void onClientGone()
    {
        retireChannel();
        io.dequeue(this);
        close();
    }

    public void checkTimeout(final long nowNs)
    {
        if (state == State.OPEN && io.isStopping())
        {
            endSession(RpcGoodbyeCode.SHUTTING_DOWN, "the connection manager is shutting down");
            return;
        }
        if (state == State.OPEN || nowNs - deadlineNs < 0)
        {
            // an open session has no deadline of its own: calls carry theirs
            return;
        }
        switch (state)
        {
            case HELLO -> close();
            case WAIT_WORKER -> refuse(RpcHandshake.STATUS_NO_WORKER, "no worker free within the queue timeout");
            case OPENING ->
            {
                retireChannel();
                refuse(RpcHandshake.STATUS_NO_WORKER, "the worker did not take the session within the queue timeout");
            }
            case OPEN ->
            {
            }
            case CLOSED -> close();
        }
    }

    private void retireChannel()
    {
        if (awaitingReported != 0)
        {
            io.awaitingAnswers(-awaitingReported);
            awaitingReported = 0;
        }
        if (channelId != ChannelId.NONE)
        {
            io.retire(channelId, workerSlot, end);
            io.sessionClosed(workerSlot);
            channelId = ChannelId.NONE;
            end = null;
        }
    }

    private void closeAfterFlush()
    {
        closeWhenFlushed = true;
        try
        {
            if (flush())
            {
                close();
            }
        }
        catch (final IOException ex)
        {
            close();
        }
    }

    public void close()
    {
        if (state == State.CLOSED && !key.isValid())
        {
            return;
        }
        retireChannel();
        state = State.CLOSED;
        io.closed(this);
        client.close();
    }

    private void interest(final int op, final boolean on)
    {
        client.interest(op, on);
    }
}
