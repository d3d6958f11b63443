package io.switchboard.cm.net;

import io.switchboard.cm.http.ChunkedDecoder;
import io.switchboard.cm.http.HttpDate;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.http.RequestHeadParser;
import io.switchboard.cm.http.ResponseHeadWriter;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What an HTTP exchange in progress needs and an idle connection does not: the read and write buffers, the
 * head parser, the chunked decoder, and the pumps that move the request in and the response out. Taken from
 * the I/O thread's {@link WorkspacePool} when a connection's bytes arrive, given back when its exchange is
 * over and nothing is left unread or unsent, so that a keep-alive connection waiting for its next request
 * costs its socket and little more.
 * <pre>
 *   in  (direct, inputCapacity)   socket bytes, kept flipped: heads, pipelined requests, a chunked body
 *   out (direct, outputCapacity)  kept ready for filling: a response head, small bodies, what a socket
 *                                 did not take of a gathering write
 * </pre>
 * Not thread-safe: used by one connection at a time, on its {@link IoThread}.
 */
final class HttpWorkspace
{
    final ByteBuffer in;
    final ByteBuffer out;
    final RequestHeadParser parser;
    final RequestHeadEncoder headEncoder = new RequestHeadEncoder();
    final RequestBodyPump bodyPump;
    final ResponseRelay relay;
    final ResponseHeadWriter localResponses;

    HttpWorkspace(
        final IoBuffers buffers,
        final HttpLimits limits,
        final HttpDate date,
        final SegmentViews segment,
        final java.util.function.BooleanSupplier stopping)
    {
        this.in = ByteBuffer.allocateDirect(buffers.inputCapacity()).flip();
        this.out = ByteBuffer.allocateDirect(buffers.outputCapacity());
        // whole-capacity views: SharedBuffer.ofBuffer starts at a buffer's position, these never move
        final SharedBuffer inSegment = SharedBuffer.wrap(in.duplicate().clear());
        final SharedBuffer outSegment = SharedBuffer.wrap(out.duplicate().clear());
        this.parser = new RequestHeadParser(limits);
        this.bodyPump = new RequestBodyPump(in, inSegment, new ChunkedDecoder(limits), segment);
        this.localResponses = new ResponseHeadWriter(date);
        this.relay = new ResponseRelay(out, outSegment, localResponses, segment, stopping);
    }

    /**
     * Writes a response made by the CM itself (4xx, 502, 503, 504) into the output buffer, after what it
     * holds: nothing of a response (the next head is parsed only once it is empty), perhaps an interim
     * 100 Continue the socket has not taken whole.
     */
    void putLocalResponse(final int status, final String body, final boolean close, final HttpExchange exchange)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        final ResponseHeadWriter writer = localResponses;
        writer.begin(out, status).header("Content-Type", "text/plain").contentLength(bytes.length);
        if (close || !exchange.keepAlive)
        {
            exchange.keepAlive = false;
            writer.connectionClose();
        }
        writer.end();
        if (!exchange.headRequest)
        {
            out.put(bytes);
        }
    }

    /**
     * Whether the connection holding it can give it back: nothing unread, nothing unsent, no head begun.
     */
    boolean isIdle()
    {
        return !in.hasRemaining() && out.position() == 0 && parser.isIdle();
    }

    /**
     * Made ready for the next connection.
     */
    void clear()
    {
        in.clear().flip();
        out.clear();
        parser.reset();
    }
}
