package io.switchboard.cm.net;

import io.switchboard.cm.http.ChunkDataHandler;
import io.switchboard.cm.http.ChunkedDecoder;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.http.HttpFrameType;

import java.io.IOException;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Moves a request body into the channel's inbound ring as REQUEST_BODY frames, then REQUEST_END: first what
 * the read buffer holds, then straight from the socket into claimed ring space (a Content-Length body is
 * never copied); a chunked body is decoded from the read buffer into one frame per ring claim.
 * <p>
 * It says why it stopped and leaves the connection to act on it; it never blocks. Not thread-safe: one per
 * {@link HttpWorkspace}.
 */
final class RequestBodyPump implements ChunkDataHandler
{
    enum Outcome
    {
        /** The body and REQUEST_END are in the ring. */
        DONE,
        /** The socket has nothing more now: read again when it is readable. */
        NEEDS_BYTES,
        /** The ring is full: go on when the worker frees space. */
        RING_FULL,
        /** The client closed its side before the body's end. */
        CLIENT_EOF
    }

    private final ByteBuffer in;
    private final SharedBuffer inSegment;
    private final ChunkedDecoder chunkedDecoder;
    private final SegmentViews segment;
    private SharedBuffer memory;
    private long claimOffset;
    private int claimFilled;
    private boolean published;

    RequestBodyPump(final ByteBuffer in, final SharedBuffer inSegment, final ChunkedDecoder chunkedDecoder,
        final SegmentViews segment)
    {
        this.in = in;
        this.inSegment = inSegment;
        this.chunkedDecoder = chunkedDecoder;
        this.segment = segment;
    }

    /**
     * A new chunked body begins.
     */
    void resetChunked()
    {
        chunkedDecoder.reset();
    }

    /**
     * @return whether the last {@link #pump} published a frame (the worker is to be signalled).
     */
    boolean published()
    {
        return published;
    }

    /**
     * Pumps until the body is in, the socket has nothing, or the ring is full.
     *
     * @throws io.switchboard.cm.http.HttpException               a broken chunked body.
     * @throws io.switchboard.ipc.ring.RingCorruptedException     the worker wrote an impossible ring position.
     * @throws IOException                                        the socket failed.
     */
    Outcome pump(final HttpExchange exchange, final ClientSocket client, final SocketChannel socket) throws IOException
    {
        published = false;
        memory = segment.memory();
        final RingWriter writer = exchange.end.writer();
        while (true)
        {
            if (exchange.bodyComplete)
            {
                return finish(writer);
            }

            final int room = writer.writablePayloadLength();
            if (room == 0)
            {
                return Outcome.RING_FULL;
            }

            if (exchange.chunkedBody)
            {
                if (!in.hasRemaining())
                {
                    final int read = client.fill(in);
                    if (read < 0)
                    {
                        return Outcome.CLIENT_EOF;
                    }
                    if (read == 0)
                    {
                        return Outcome.NEEDS_BYTES;
                    }
                }
                // the decoder may hand several ranges: they fill one frame claimed for `room` bytes
                claimOffset = writer.tryClaim(HttpFrameType.REQUEST_BODY, FrameDescriptor.UNFRAGMENTED, room);
                claimFilled = 0;
                final int delivered;
                try
                {
                    delivered = chunkedDecoder.decode(in, room, this);
                }
                catch (final RuntimeException ex)
                {
                    writer.abort();
                    throw ex;
                }
                if (delivered > 0)
                {
                    writer.commit(delivered);
                    exchange.bodyBytes += delivered;
                    published = true;
                }
                else
                {
                    writer.abort();
                }
                exchange.bodyComplete = chunkedDecoder.isDone();
            }
            else if (in.hasRemaining())
            {
                final int n = (int)Math.min(Math.min(exchange.bodyRemaining, in.remaining()), room);
                final long at = writer.tryClaim(HttpFrameType.REQUEST_BODY, FrameDescriptor.UNFRAGMENTED, n);
                inSegment.getBytes(in.position(), memory, at, n);
                writer.commit();
                in.position(in.position() + n);
                moved(exchange, n);
            }
            else
            {
                final int n = (int)Math.min(exchange.bodyRemaining, room);
                final long at = writer.tryClaim(HttpFrameType.REQUEST_BODY, FrameDescriptor.UNFRAGMENTED, n);
                final int read = socket.read(segment.ringView(at, n));
                if (read <= 0)
                {
                    writer.abort();
                    return read < 0 ? Outcome.CLIENT_EOF : Outcome.NEEDS_BYTES;
                }
                writer.commit(read);
                moved(exchange, read);
            }
        }
    }

    private void moved(final HttpExchange exchange, final int n)
    {
        exchange.bodyRemaining -= n;
        exchange.bodyBytes += n;
        exchange.bodyComplete = exchange.bodyRemaining == 0;
        published = true;
    }

    private Outcome finish(final RingWriter writer)
    {
        if (writer.tryClaim(HttpFrameType.REQUEST_END, FrameDescriptor.UNFRAGMENTED, 0) == RingWriter.INSUFFICIENT_CAPACITY)
        {
            return Outcome.RING_FULL;
        }
        writer.commit();
        published = true;
        return Outcome.DONE;
    }

    public void onData(final ByteBuffer source, final int index, final int length)
    {
        // the only source is the read buffer (the decoder hands ranges of it)
        inSegment.getBytes(index, memory, claimOffset + claimFilled, length);
        claimFilled += length;
    }
}
