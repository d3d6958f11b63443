package io.switchboard.cm.net;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingCorruptedException;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.protocol.rpc.RpcGoodbyeCode;
import io.switchboard.protocol.rpc.RpcHandshake;

import io.switchboard.cm.observe.RequestEvent;
import io.switchboard.cm.observe.RequestEventPublisher;

import java.io.IOException;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One distributed session: a client's TCP connection and the one channel that carries the session to its worker
 * (docs/rpc-protocol.md). This class is the session's life; each stage's work is another's:
 * <pre>
 *   HELLO --hello--> WAIT_WORKER --channel--> OPENING --SESSION_ACCEPTED--> OPEN --goodbye, EOF,--> CLOSED
 *     |                 (queued; WELCOME 3       |                                 worker lost
 *     |                  on timeout)             +--SESSION_REJECTED: WELCOME with the worker's status--> CLOSED
 *     +--malformed or unknown application: WELCOME 5 or 2--> CLOSED
 * </pre>
 * <ul>
 *   <li>{@link SessionHandshake}: HELLO, SESSION_OPEN, the worker's answer, WELCOME, and the session's limits;</li>
 *   <li>{@link RpcInboundPump}: in OPEN, client to worker, socket into ring;</li>
 *   <li>{@link RpcOutboundPump}: in OPEN, worker to client, ring onto socket;</li>
 *   <li>{@link RpcChannelLease}: the channel held, and the calls awaiting the worker's answer.</li>
 * </ul>
 * Here: the states and their deadlines, and the ends of a session, each with the WELCOME status or GOODBYE
 * code the protocol gives it. The relay decodes no payload. At a drain, GOODBYE 9 is a notice sent in OPEN: the
 * relay goes on both ways, for the client's calls that crossed it, until the client's GOODBYE or EOF.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class RpcConnection implements Connection
{
    /** Relay-and-flush rounds in one turn, so that a fast session and an eager reader do not starve the others. */
    private static final int MAX_RELAY_ROUNDS = 16;

    enum State
    {
        HELLO, WAIT_WORKER, OPENING, OPEN, CLOSED
    }

    private final IoThread io;
    private final SocketChannel socket;
    private final ClientSocket client;
    private final SelectionKey key;
    /** Flipped: the HELLO, then what the client sends before the session opens. */
    private final ByteBuffer in;
    /** Ready for filling: the WELCOME, GOODBYE, and what the socket did not take. */
    private final ByteBuffer out;
    private final SessionHandshake handshake;
    private final RpcChannelLease channel;
    private final FrameHandler openingHandler = this::onOpeningFrame;

    private State state = State.HELLO;
    private long deadlineNs;
    /** Made once the HELLO is accepted, with the session's max frame length. */
    private RpcInboundPump inbound;
    private RpcOutboundPump outbound;
    private boolean closeWhenFlushed;
    /** When the WELCOME 0 went out, for the session's close event; 0 while not welcomed. */
    private long openedAtNs;
    /**
     * GOODBYE 9 went to the client (drain): the relay goes on both ways for the calls that crossed it on the wire,
     * until the client's GOODBYE or EOF, the worker's end, or the drain deadline closes the connection.
     */
    private boolean shutdownNoticeSent;

    /**
     * @param initial bytes already read from the socket (by a connection that sniffed the protocol), or null.
     */
    RpcConnection(
        final IoThread io,
        final RpcSettings settings,
        final SocketChannel socket,
        final SelectionKey key,
        final IoBuffers buffers,
        final ByteBuffer initial)
    {
        this.io = io;
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
        this.handshake = new SessionHandshake(settings);
        this.channel = new RpcChannelLease(io, settings.idleTimeoutNs());
        this.deadlineNs = System.nanoTime() + io.timeouts().headNs();
    }

    public ChannelKind channelKind()
    {
        return ChannelKind.RPC;
    }

    public long channelId()
    {
        return channel.channelId();
    }

    /**
     * @return the client's affinity key (HELLO option), or null.
     */
    String affinity()
    {
        return handshake.affinity();
    }

    public int workerSlot()
    {
        return channel.workerSlot();
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
            if (!client.flush(out))
            {
                return;
            }
            client.interest(SelectionKey.OP_WRITE, false);
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

    // ---------------------------------------------------------------- opening

    /**
     * Reads until a whole HELLO is in, then answers it or asks for a worker. Also called by the
     * {@link HttpConnection} that handed its socket over, with the first bytes in the buffer.
     */
    void readHello() throws IOException
    {
        final boolean inputClosed = client.fill(in) < 0;
        switch (handshake.readHello(in, io.isStopping()))
        {
            case SessionHandshake.INCOMPLETE ->
            {
                if (inputClosed)
                {
                    close();
                }
            }
            case SessionHandshake.REFUSED -> refuse(handshake.refusalStatus(), handshake.refusalMessage());
            default ->
            {
                final String overLimit = channel.takeSessionPlace(socket);
                if (overLimit != null)
                {
                    // idle sessions must not take every channel: refused at once, never queued
                    refuse(RpcHandshake.STATUS_TOO_MANY_SESSIONS, overLimit);
                    return;
                }
                inbound = new RpcInboundPump(io, this, socket, client, in, handshake.maxFrameLength());
                outbound = new RpcOutboundPump(io, socket, out, handshake.maxFrameLength());
                state = State.WAIT_WORKER;
                deadlineNs = System.nanoTime() + io.timeouts().queueNs();
                if (!io.dispatch(this) && !io.enqueue(this))
                {
                    refuse(RpcHandshake.STATUS_NO_WORKER, "too many sessions and requests waiting for a worker");
                }
            }
        }
    }

    public boolean retryDispatch()
    {
        return state != State.WAIT_WORKER || io.dispatch(this);
    }

    /**
     * The I/O thread has a channel for this session: tell the worker.
     */
    public void onChannel(final long channelId, final int workerSlot, final ChannelEnd end)
    {
        channel.grant(channelId, workerSlot, end);
        // the views are kept per slot: a new generation starts from the positions the CM reset
        end.resync();
        final RingWriter writer = end.writer();
        final long at = writer.tryClaim(RpcChannelFrameType.SESSION_OPEN, FrameDescriptor.UNFRAGMENTED,
            handshake.sessionOpenLength());
        if (at == RingWriter.INSUFFICIENT_CAPACITY)
        {
            // a fresh channel's ring is empty: this cannot happen unless the segment is damaged
            io.reportBadWorker(workerSlot, channelId, "no room for SESSION_OPEN in a fresh ring");
            channel.giveBack();
            refuse(RpcHandshake.STATUS_NO_WORKER, "the worker's channel could not be opened");
            return;
        }
        handshake.writeSessionOpen(io.segmentBuffer(), Math.toIntExact(at), channelId);
        writer.commit();
        end.signalPeer();
        state = State.OPENING;
        deadlineNs = System.nanoTime() + io.timeouts().queueNs();
    }

    private void onOpeningFrame(final SharedBuffer memory, final long offset, final int length, final int type,
        final int flags)
    {
        if (handshake.readWorkerAnswer(memory, offset, length, type) == SessionHandshake.ACCEPTED)
        {
            handshake.writeWelcome(out, channel.channelId(), channel.workerSlot());
            state = State.OPEN;
            openedAtNs = System.nanoTime();
            publishSession(RequestEvent.RPC_SESSION_OPEN, 0);
        }
        else
        {
            channel.giveBack();
            refuse(handshake.refusalStatus(), handshake.refusalMessage());
        }
    }

    /**
     * Answers the HELLO with a failure status and closes.
     */
    private void refuse(final int status, final String message)
    {
        io.dequeue(this);
        out.clear();
        handshake.writeRefusal(out, status, message);
        state = State.CLOSED;
        closeAfterFlush();
    }

    // ---------------------------------------------------------------- relay

    public void onRingSpace()
    {
        if (state == State.OPEN)
        {
            inbound.onRingSpace();
            pumpInbound();
            if (channel.end() != null && channel.end().reader().isSatisfied())
            {
                onOutbound();
            }
        }
    }

    private void pumpInbound()
    {
        switch (inbound.pump(channel.end()))
        {
            case RpcInboundPump.CLIENT_GONE -> onClientGone();
            case RpcInboundPump.STREAM_ENDED ->
            {
                final String error = inbound.scanner().error();
                if (error != null)
                {
                    endSession(RpcGoodbyeCode.PROTOCOL_ERROR, "protocol error: " + error);
                }
                else
                {
                    // the client's GOODBYE went through; what the worker still has in flight goes nowhere
                    channel.giveBack();
                    closeAfterFlush();
                }
            }
            default ->
            {
            }
        }
        reportAwaiting();
    }

    public int onOutbound()
    {
        final ChannelEnd end = channel.end();
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
                if (state != State.OPEN)
                {
                    return frames;
                }
                client.flush(out);
                client.interest(SelectionKey.OP_READ, true);
                pumpInbound();
            }
            // the relay stops when the output buffer is half full; once the socket has taken it, go on: the
            // worker's doorbell rang for frames still in the ring and will not ring again for them
            int rounds = 0;
            do
            {
                if (state == State.OPEN && !closeWhenFlushed)
                {
                    frames += outbound.relay(end.reader());
                }
                if (!client.flush(out))
                {
                    reportAwaiting();
                    return frames;
                }
            }
            while (state == State.OPEN && !closeWhenFlushed && end.reader().isSatisfied() && ++rounds < MAX_RELAY_ROUNDS);
            reportAwaiting();
            if (state == State.OPEN && !closeWhenFlushed && end.reader().isSatisfied())
            {
                // more than a fair share in one go: the rest on the next pass, after the thread's other connections
                io.blockedOnRing(this);
            }
            if (state == State.OPEN && outbound.scanner().goodbyeComplete())
            {
                channel.giveBack();
                closeAfterFlush();
            }
        }
        catch (final BadWorkerFrame | RingCorruptedException ex)
        {
            onWorkerFault(ex.getMessage());
        }
        catch (final IOException | ClientGone ex)
        {
            onClientGone();
        }
        return frames;
    }

    /**
     * Calls the client sent less answers the worker sent: while any are awaited, the I/O thread spins.
     */
    private void reportAwaiting()
    {
        channel.reportAwaiting(inbound.scanner().calls() - outbound.scanner().answers());
    }

    // ---------------------------------------------------------------- the end

    /**
     * Ends the session from the CM's side: a GOODBYE to the client if the stream to it is between frames
     * (otherwise the connection just closes), and the channel to the worker closes.
     */
    private void endSession(final int code, final String message)
    {
        if (state == State.OPEN && outbound.atFrameBoundary())
        {
            outbound.appendGoodbye(code, message);
        }
        channel.giveBack();
        state = State.CLOSED;
        closeAfterFlush();
    }

    /**
     * GOODBYE 9 as a notice, not an end: the client may have sent calls that cross it on the wire; they are still
     * relayed to the worker and answered, and the client, which starts no call after reading it, says its own GOODBYE
     * once they are answered (docs/rpc-protocol.md 3.3). The channel stays held until then.
     */
    private void sendShutdownNotice()
    {
        if (!outbound.appendGoodbye(RpcGoodbyeCode.SHUTTING_DOWN, "the connection manager is shutting down"))
        {
            // the output buffer is full: tried again on the next check, once the socket took some
            return;
        }
        shutdownNoticeSent = true;
        try
        {
            client.flush(out);
        }
        catch (final IOException ex)
        {
            onClientGone();
        }
    }

    public void onWorkerFault(final String what)
    {
        if (!channel.isHeld())
        {
            return;
        }
        io.reportBadWorker(channel.workerSlot(), channel.channelId(), what);
        if (state == State.OPENING)
        {
            channel.giveBack();
            refuse(RpcHandshake.STATUS_NO_WORKER, "the worker broke the protocol while opening the session");
            return;
        }
        endSession(RpcGoodbyeCode.SESSION_LOST, "session lost: worker " + channel.workerSlot() + " broke the protocol");
    }

    public void onWorkerLost()
    {
        // the I/O thread released the channel already
        channel.lost();
        switch (state)
        {
            case OPENING -> refuse(RpcHandshake.STATUS_NO_WORKER, "the worker died while opening the session");
            case OPEN -> endSession(RpcGoodbyeCode.SESSION_LOST, "session lost: worker " + channel.workerSlot() + " died");
            default -> close();
        }
    }

    public void abandon()
    {
        onClientGone();
    }

    private void onClientGone()
    {
        channel.giveBack();
        io.dequeue(this);
        close();
    }

    public void checkTimeout(final long nowNs)
    {
        if (state == State.OPEN && io.isStopping() && !shutdownNoticeSent && !channel.hasCallsAwaited()
            && outbound.atFrameBoundary())
        {
            // between calls: the client is told the session ends (one with a call awaited gets its answer first, or
            // the drain deadline closes it)
            sendShutdownNotice();
            return;
        }
        if (state == State.OPEN && !shutdownNoticeSent && channel.idleTimedOut(nowNs))
        {
            endSession(RpcGoodbyeCode.IDLE_TIMEOUT, channel.idleTimeoutMessage());
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
                channel.giveBack();
                refuse(RpcHandshake.STATUS_NO_WORKER, "the worker did not take the session within the queue timeout");
            }
            case OPEN ->
            {
            }
            case CLOSED -> close();
        }
    }

    private void closeAfterFlush()
    {
        closeWhenFlushed = true;
        try
        {
            if (client.flush(out))
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
        if (openedAtNs != 0)
        {
            publishSession(RequestEvent.RPC_SESSION_CLOSE, System.nanoTime() - openedAtNs);
            openedAtNs = 0;
        }
        channel.giveBack();
        channel.releaseSessionPlace();
        state = State.CLOSED;
        io.closed(this);
        client.close();
    }

    /**
     * A session opened or closed: counted by the metrics (once per session, so the peer's address is read
     * from the socket here).
     */
    private void publishSession(final int kind, final long durationNs)
    {
        final RequestEventPublisher events = io.events();
        final long sequence = events.claim(kind);
        if (sequence < 0)
        {
            return;
        }
        final RequestEvent event = events.event(sequence);
        try
        {
            event.epochMs = System.currentTimeMillis();
            event.durationNs = durationNs;
            event.workerSlot = channel.workerSlot();
            ClientAddress.of(socket).copyInto(event);
        }
        finally
        {
            events.publish(sequence);
        }
    }
}
