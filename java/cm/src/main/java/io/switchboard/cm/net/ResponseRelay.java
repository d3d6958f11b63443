package io.switchboard.cm.net;

import io.switchboard.cm.http.ChunkedEncoder;
import io.switchboard.cm.http.HttpVersion;
import io.switchboard.cm.http.InvalidHeaderException;
import io.switchboard.cm.http.ResponseHeadWriter;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingCorruptedException;
import io.switchboard.protocol.http.HeadFormatException;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HttpHeadDescriptor;
import io.switchboard.protocol.http.ResponseHeadDecoder;

import java.io.IOException;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;

/**
 * Relays a worker's response from the channel's outbound ring to the client: decodes RESPONSE_HEAD into an
 * HTTP/1.1 head in the output buffer, frames the body as the head told the client (Content-Length or
 * chunked), and checks everything the worker wrote on the way.
 * <p>
 * Small bodies are copied after the head, to leave in one write; larger ones go from the ring to the socket
 * in a gathering write with what the output buffer holds and their chunk framing (zero copy), and only what
 * the socket does not take is copied. One frame at a time, and none while the output buffer is more than
 * half full: a client that does not read leaves the rest of the response in the ring (backpressure to the
 * worker).
 * <p>
 * Not thread-safe: one per {@link HttpWorkspace}.
 */
final class ResponseRelay implements FrameHandler, ResponseHeadDecoder.HeaderVisitor
{
    /** Response bodies up to this size are copied into the output buffer: one write for the whole response. */
    private static final int COPY_THRESHOLD = 2048;

    private final ByteBuffer out;
    private final SharedBuffer outSegment;
    private final int flushThreshold;
    private final ResponseHeadWriter headWriter;
    private final ResponseHeadDecoder headDecoder = new ResponseHeadDecoder();
    private final ByteBuffer[] gather = new ByteBuffer[3];
    private final ByteBuffer chunkHeader = ByteBuffer.allocateDirect(ChunkedEncoder.MAX_CHUNK_HEADER_LENGTH);
    private final SegmentViews segment;
    /** Whether the I/O thread is stopping: responses then close their connection. */
    private final BooleanSupplier stopping;
    private HttpExchange exchange;
    private SocketChannel socket;

    ResponseRelay(final ByteBuffer out, final SharedBuffer outSegment, final ResponseHeadWriter headWriter,
        final SegmentViews segment, final BooleanSupplier stopping)
    {
        this.out = out;
        this.outSegment = outSegment;
        this.flushThreshold = out.capacity() / 2;
        this.headWriter = headWriter;
        this.segment = segment;
        this.stopping = stopping;
    }

    /**
     * Relays frames until the final one, or until the output buffer holds more than the socket should be
     * given at once.
     *
     * @return frames handled.
     * @throws BadWorkerFrame         the worker wrote something no correct worker writes.
     * @throws RingCorruptedException the worker wrote an impossible ring position.
     * @throws ClientGone             the client's socket failed during a gathering write.
     */
    int relay(final HttpExchange exchange, final SocketChannel socket)
    {
        this.exchange = exchange;
        this.socket = socket;
        int frames = 0;
        while (!exchange.finalFrameSeen && !hasPendingOutput())
        {
            final int n = exchange.end.reader().read(this, 1);
            if (n == 0)
            {
                break;
            }
            frames += n;
        }
        return frames;
    }

    boolean hasPendingOutput()
    {
        return out.position() > flushThreshold;
    }

    public void onFrame(final SharedBuffer memory, final long offset, final int length, final int type, final int flags)
    {
        // an HTTP channel's frames travel whole (a body is many frames, each whole), and the final ones are empty
        if (flags != FrameDescriptor.UNFRAGMENTED)
        {
            throw new BadWorkerFrame(HttpFrameType.name(type) + " with fragment flags=0x" + Integer.toHexString(flags));
        }
        if ((type == HttpFrameType.RESPONSE_END || type == HttpFrameType.RESPONSE_ABORT) && length != 0)
        {
            throw new BadWorkerFrame(HttpFrameType.name(type) + " with a payload of " + length + " bytes");
        }
        switch (type)
        {
            case HttpFrameType.RESPONSE_HEAD -> onHead(memory, offset, length);
            case HttpFrameType.RESPONSE_BODY -> onBody(memory, offset, length);
            case HttpFrameType.RESPONSE_END -> onEnd();
            case HttpFrameType.RESPONSE_ABORT ->
            {
                exchange.finalFrameSeen = true;
                if (!exchange.responseHeadSent && !exchange.cancelled)
                {
                    exchange.abortedBeforeHead = true;
                }
                else
                {
                    exchange.closeAfterResponse = true;
                    exchange.keepAlive = false;
                    exchange.cancelled = true;
                }
            }
            default -> throw new BadWorkerFrame("unexpected frame type " + HttpFrameType.name(type));
        }
    }

    private void onEnd()
    {
        if (!exchange.responseHeadSent)
        {
            throw new BadWorkerFrame("RESPONSE_END before RESPONSE_HEAD");
        }
        if (exchange.responseBodyRemaining != HttpExchange.UNBOUNDED && exchange.responseBodyRemaining != 0 &&
            !exchange.headRequest && !exchange.cancelled)
        {
            throw new BadWorkerFrame("RESPONSE_END with " + exchange.responseBodyRemaining +
                " bytes of the promised Content-Length unsent");
        }
        if (exchange.responseChunked && !exchange.headRequest)
        {
            ChunkedEncoder.putLastChunk(out);
        }
        exchange.finalFrameSeen = true;
    }

    private void onHead(final SharedBuffer memory, final long offset, final int length)
    {
        if (exchange.responseHeadSent)
        {
            throw new BadWorkerFrame("RESPONSE_HEAD repeated");
        }
        final int before = out.position();
        try
        {
            headDecoder.wrap(memory, offset, length);
            final int status = headDecoder.status();
            exchange.responseStatus = status;
            final long contentLength = headDecoder.contentLength();
            // appended: the buffer may still hold an interim 100 Continue the socket has not taken whole
            headWriter.begin(out, status);
            headDecoder.forEachHeader(this);

            // the worker's body must match the framing the client is told, or the client reads the
            // next response out of this one's body (or waits for bytes that never come)
            exchange.responseBodyRemaining =
                status == 204 || status == 304 ? 0 : contentLength >= 0 ? contentLength : HttpExchange.UNBOUNDED;
            if (contentLength >= 0)
            {
                headWriter.contentLength(contentLength);
            }
            else if (exchange.version == HttpVersion.HTTP_1_1)
            {
                exchange.responseChunked = true;
                headWriter.chunked();
            }
            else
            {
                // HTTP/1.0 and no length: the end of the connection ends the body
                exchange.keepAlive = false;
            }

            if (!exchange.keepAlive || exchange.closeAfterResponse || stopping.getAsBoolean())
            {
                exchange.keepAlive = false;
                headWriter.connectionClose();
            }
            else if (exchange.version == HttpVersion.HTTP_1_0)
            {
                headWriter.connectionKeepAlive();
            }
            headWriter.end();
        }
        catch (final HeadFormatException ex)
        {
            throw refused(before, ex.getMessage());
        }
        catch (final InvalidHeaderException ex)
        {
            throw refused(before, "RESPONSE_HEAD header refused: " + ex.getMessage());
        }
        catch (final BufferOverflowException ex)
        {
            throw refused(before, "RESPONSE_HEAD too large for the output buffer of " + out.capacity() + " bytes");
        }
        exchange.responseHeadSent = true;
    }

    /**
     * What was written of a refused head is taken back: the client gets the CM's 502 in its place.
     */
    private BadWorkerFrame refused(final int outPosition, final String why)
    {
        out.position(outPosition);
        return new BadWorkerFrame(why);
    }

    public void onHeader(final SharedBuffer memory, final long nameOffset, final int nameLength,
        final long valueOffset, final int valueLength)
    {
        headWriter.header(memory, nameOffset, nameLength, valueOffset, valueLength);
    }

    private void onBody(final SharedBuffer memory, final long offset, final int length)
    {
        if (!exchange.responseHeadSent)
        {
            throw new BadWorkerFrame("RESPONSE_BODY before RESPONSE_HEAD");
        }
        if (exchange.headRequest || length == 0 || exchange.cancelled)
        {
            return;
        }
        if (length > exchange.responseBodyRemaining)
        {
            throw new BadWorkerFrame("RESPONSE_BODY of " + length + " bytes past the promised length: " +
                exchange.responseBodyRemaining + " bytes left");
        }
        if (exchange.responseBodyRemaining != HttpExchange.UNBOUNDED)
        {
            exchange.responseBodyRemaining -= length;
        }

        final boolean chunked = exchange.responseChunked;
        final int framing = chunked ? ChunkedEncoder.MAX_CHUNK_HEADER_LENGTH + ChunkedEncoder.CHUNK_END_LENGTH : 0;
        if (length <= COPY_THRESHOLD && out.remaining() >= length + framing)
        {
            if (chunked)
            {
                ChunkedEncoder.putChunkHeader(out, length);
            }
            memory.getBytes(offset, outSegment, out.position(), length);
            out.position(out.position() + length);
            if (chunked)
            {
                ChunkedEncoder.putChunkEnd(out);
            }
            return;
        }

        // zero copy: pending head bytes, chunk framing and the ring's bytes in one gathering write
        final ByteBuffer body = segment.ringView(offset, length);
        out.flip();
        int count = 0;
        gather[count++] = out;
        if (chunked)
        {
            chunkHeader.clear();
            ChunkedEncoder.putChunkHeader(chunkHeader, length);
            chunkHeader.flip();
            gather[count++] = chunkHeader;
        }
        gather[count++] = body;
        try
        {
            exchange.gatheredBytes += socket.write(gather, 0, count);
        }
        catch (final IOException ex)
        {
            out.clear();
            throw new ClientGone();
        }

        // whatever the socket did not take is copied into the output buffer and sent later
        out.compact();
        if (chunked && chunkHeader.hasRemaining())
        {
            out.put(chunkHeader);
        }
        if (body.hasRemaining())
        {
            out.put(body);
        }
        if (chunked)
        {
            ChunkedEncoder.putChunkEnd(out);
        }
    }
}
