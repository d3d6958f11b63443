package io.switchboard.cm.net;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.protocol.rpc.RpcFrameScanner;

import java.io.IOException;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Client to worker: moves an open session's byte stream from the client's socket into the channel's inbound ring.
 * The socket is read straight into ring space claimed for it, as much as the ring has room for, and the STREAM
 * frame is cut where the read ended; a {@link RpcFrameScanner} follows the RPC frame boundaries and checks each
 * header's length and type, and only the well-formed prefix is published. Bytes that came in with the HELLO or
 * while the session was opening wait in the input buffer and go first, copied.
 * <p>
 * Backpressure: a full ring stops reading the socket (the I/O thread retries the connection when the worker frees
 * space, {@link #onRingSpace}), so a client that sends faster than its worker reads is held back by TCP.
 * <p>
 * Not thread-safe: belongs to one connection, on its I/O thread.
 */
final class RpcInboundPump
{
    /** {@link #pump}: stopped with the socket empty or the ring full; the selector or the ring says when to go on. */
    static final int MORE = 0;
    /** The client closed its side or its socket failed. */
    static final int CLIENT_GONE = 1;
    /** The client's stream is over: a protocol error, or its GOODBYE went through (see {@link #scanner()}). */
    static final int STREAM_ENDED = 2;

    private final IoThread io;
    private final Connection connection;
    private final SocketChannel socket;
    private final ClientSocket client;
    private final ByteBuffer in;
    private final RpcFrameScanner scanner;
    private boolean blocked;

    /**
     * @param in             the connection's input buffer, flipped: what it holds goes first.
     * @param maxFrameLength the session's, whole frames.
     */
    RpcInboundPump(
        final IoThread io,
        final Connection connection,
        final SocketChannel socket,
        final ClientSocket client,
        final ByteBuffer in,
        final int maxFrameLength)
    {
        this.io = io;
        this.connection = connection;
        this.socket = socket;
        this.client = client;
        this.in = in;
        this.scanner = new RpcFrameScanner(maxFrameLength);
    }

    /**
     * Moves client bytes into the inbound ring until the socket has no more or the ring no room, and rings the
     * worker if it published any.
     *
     * @return {@link #MORE}, {@link #CLIENT_GONE} or {@link #STREAM_ENDED}.
     */
    int pump(final ChannelEnd end)
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
                    return MORE;
                }
                final int valid = scanner.scan(in, in.position(), room);
                SharedBuffer.wrap(in).getBytes(0, io.memory(), at, valid);
                published |= publish(writer, valid);
                in.position(in.position() + valid);
                if (streamEnded())
                {
                    return STREAM_ENDED;
                }
            }
            while (true)
            {
                final int room = writer.writablePayloadLength();
                final long at = claimOrBlock(writer, room);
                if (at == RingWriter.INSUFFICIENT_CAPACITY)
                {
                    return MORE;
                }
                final int n;
                try
                {
                    n = socket.read(io.ringView(at, room));
                }
                catch (final IOException ex)
                {
                    writer.abort();
                    return CLIENT_GONE;
                }
                if (n <= 0)
                {
                    writer.abort();
                    return n < 0 ? CLIENT_GONE : MORE;
                }
                published |= publish(writer, scanner.scan(io.segmentBuffer(), Math.toIntExact(at), n));
                if (streamEnded())
                {
                    return STREAM_ENDED;
                }
                if (n < room)
                {
                    return MORE;
                }
            }
        }
        finally
        {
            // the well-formed prefix reaches the worker even when the stream ended after it
            if (published)
            {
                end.signalPeer();
            }
        }
    }

    /**
     * The I/O thread retries a connection that {@link #pump} left blocked on a full ring.
     */
    void onRingSpace()
    {
        blocked = false;
        // blocking turned reading off; the next pump may stop on an empty socket rather than a full
        // ring, and then only the selector can say when the client sends more (or leaves)
        client.interest(SelectionKey.OP_READ, true);
    }

    /**
     * @return what the client's stream held so far: frames, calls, and the error that ended it, if one did.
     */
    RpcFrameScanner scanner()
    {
        return scanner;
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
        if (at == RingWriter.INSUFFICIENT_CAPACITY && !blocked)
        {
            blocked = true;
            client.interest(SelectionKey.OP_READ, false);
            io.blockedOnRing(connection);
        }
        return at;
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

    private boolean streamEnded()
    {
        return scanner.error() != null || scanner.goodbyeComplete();
    }
}
