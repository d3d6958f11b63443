package io.switchboard.cm.net;

import io.switchboard.cm.routing.Route;
import io.switchboard.cm.http.BodyFraming;
import io.switchboard.cm.http.ChunkedDecoder;
import io.switchboard.cm.http.ChunkedEncoder;
import io.switchboard.cm.http.HttpException;
import io.switchboard.cm.http.HttpMethod;
import io.switchboard.cm.http.HttpVersion;
import io.switchboard.cm.http.InvalidHeaderException;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.cm.http.RequestHeadParser;
import io.switchboard.cm.http.ResponseHeadWriter;
import io.switchboard.cm.http.TargetForm;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingCorruptedException;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.http.HeadWriter;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HttpHeadDescriptor;
import io.switchboard.protocol.rpc.RpcHandshake;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import static io.switchboard.ipc.SharedMemory.INT;
import static io.switchboard.ipc.SharedMemory.LONG;
import static io.switchboard.ipc.SharedMemory.SHORT;

/**
 * One client connection and the request it is serving: parses the head,
 * opens a channel to a worker, streams the body into the inbound ring, relays
 * the response frames from the outbound ring to the socket, releases the
 * channel after the final frame, and goes on with the next (pipelined) request.
 * <pre>
 *   READ_HEAD --head--> WAIT_CHANNEL --channel--> BODY --end--> AWAIT_RESPONSE --final frame--> READ_HEAD
 *       |                    (queued, 503 on timeout)     (no body: straight to AWAIT_RESPONSE)       or CLOSED
 *       +--bad request: 4xx, Connection: close--> CLOSED
 * </pre>
 * Requests on a connection are served one at a time, so responses leave in
 * request order; pipelined bytes wait in the read buffer.
 * <p>
 * Body bytes go from the socket straight into ring space claimed for them, and
 * response body bytes from the ring straight to the socket (a gathering write
 * with the head and chunk framing); small bodies are copied into the output
 * buffer instead, to send the response in one write. Everything the worker
 * wrote is checked before use: a malformed response gets the client a 502 and
 * the channel is released.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class HttpConnection implements Connection
{
    enum State
    {
        READ_HEAD, WAIT_CHANNEL, BODY, AWAIT_RESPONSE, CLOSED
    }

    private static final long UNBOUNDED = Long.MAX_VALUE;

    private static final ValueLayout.OfShort SHORT_UNALIGNED =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Response bodies up to this size are copied into the output buffer: one write for the whole response. */
    private static final int COPY_THRESHOLD = 2048;

    private final IoThread io;
    private final SocketChannel socket;
    private final ClientSocket client;
    private final SelectionKey key;
    private final ByteBuffer in;
    private final ByteBuffer out;
    private final MemorySegment inSegment;
    private final MemorySegment outSegment;
    private final RequestHeadParser parser;
    private final ChunkedDecoder chunkedDecoder;
    private final ResponseHeadWriter responseHeadWriter;
    private final HeadWriter headWriter = new HeadWriter();
    private final ByteBuffer[] gather = new ByteBuffer[3];
    private final ByteBuffer chunkHeader = ByteBuffer.allocateDirect(ChunkedEncoder.MAX_CHUNK_HEADER_LENGTH);
    private final ByteBuffer chunkEnd = ByteBuffer.wrap(new byte[]{'\r', '\n'});
    private final FrameHandler responseHandler = this::onResponseFrame;
    private final io.switchboard.cm.http.ChunkDataHandler chunkIntoClaim = this::copyChunkIntoClaim;
    private long bodyClaimOffset;
    private int bodyClaimFilled;
    private ByteBuffer headBytes;

    private State state = State.READ_HEAD;
    private boolean firstRequest = true;
    /** The head deadline runs from the head's first byte, not from its latest. */
    private boolean headDeadlineArmed;
    private boolean awaitingWorker;
    private long deadlineNs;
    private boolean inputClosed;
    private boolean closeAfterResponse;

    private Route route;
    private long channelId = ChannelId.NONE;
    private int workerSlot = -1;
    private ChannelEnd end;
    private boolean headRequest;
    private boolean keepAlive;
    private HttpVersion version;
    private long bodyRemaining;
    /** When the body began, moved on by the time spent waiting for ring space: the rate is the client's. */
    private long bodyStartNs;
    private long bodyBytes;
    /** Since when the body waits for ring space; 0 when it does not. */
    private long ringWaitSinceNs;
    private boolean chunkedBody;
    private boolean responseHeadSent;
    private boolean responseChunked;
    /** Body bytes the response head promised and the worker has yet to send; {@link #UNBOUNDED} without a length. */
    private long responseBodyRemaining;
    private boolean cancelled;
    private boolean finalFrameSeen;
    private boolean detached;

    HttpConnection(final IoThread io, final SocketChannel socket, final SelectionKey key, final IoThread.Buffers buffers)
    {
        this.io = io;
        this.socket = socket;
        this.key = key;
        this.client = new ClientSocket(socket, key);
        this.in = ByteBuffer.allocateDirect(buffers.inputCapacity()).flip();
        this.out = ByteBuffer.allocateDirect(buffers.outputCapacity());
        // whole-capacity views: MemorySegment.ofBuffer starts at a buffer's position, these never move
        this.inSegment = MemorySegment.ofBuffer(in.duplicate().clear());
        this.outSegment = MemorySegment.ofBuffer(out.duplicate().clear());
        this.parser = new RequestHeadParser(io.limits());
        this.chunkedDecoder = new ChunkedDecoder(io.limits());
        this.responseHeadWriter = new ResponseHeadWriter(io.httpDate());
        this.deadlineNs = System.nanoTime() + io.timeouts().idleNs();
    }

    State state()
    {
        return state;
    }

    public ChannelKind channelKind()
    {
        return ChannelKind.HTTP;
    }

    public long channelId()
    {
        return channelId;
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
                case READ_HEAD ->
                {
                    if (out.position() > 0)
                    {
                        // a response has not left yet: requests read ahead wait behind it
                        holdReadAhead();
                        return;
                    }
                    if (fill() < 0 && !in.hasRemaining())
                    {
                        close();
                        return;
                    }
                    parseHeads();
                }
                case BODY -> pumpBody();
                case WAIT_CHANNEL, AWAIT_RESPONSE ->
                {
                    // keep pipelined bytes for later; an EOF means the client is gone
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
                // still more than the socket takes: it asked for OP_WRITE again
                return;
            }
            interest(SelectionKey.OP_WRITE, false);
            if (state == State.AWAIT_RESPONSE && channelId != ChannelId.NONE)
            {
                // the socket drained: go on relaying what the worker wrote
                onOutbound();
            }
            else
            {
                afterFlush();
            }
        }
        catch (final IOException ex)
        {
            onClientGone();
        }
    }

    /**
     * @return bytes read, -1 at end of stream.
     */
    private int fill() throws IOException
    {
        final int n = client.fill(in);
        if (n < 0)
        {
            inputClosed = true;
        }
        return n;
    }

    /**
     * Reads what the client sends ahead while a response is unsent, into the read buffer until it is full,
     * then stops reading: a client that pipelines faster than it reads is not read from. An end of stream
     * here is a half-close: what was sent ahead is still answered, then the connection closes.
     */
    private void holdReadAhead() throws IOException
    {
        if (inputClosed || (in.limit() == in.capacity() && in.position() == 0))
        {
            interest(SelectionKey.OP_READ, false);
            return;
        }
        if (fill() < 0)
        {
            interest(SelectionKey.OP_READ, false);
        }
    }

    private void parseHeads()
    {
        if (out.position() > 0)
        {
            // the next response may only start once this one has left: it would be written over
            interest(SelectionKey.OP_READ, false);
            return;
        }
        if (firstRequest && in.hasRemaining())
        {
            firstRequest = false;
            if (in.get(in.position()) == RpcHandshake.FIRST_BYTE)
            {
                // no method token starts with this byte: a distributed session on the shared port
                state = State.CLOSED;
                io.switchToRpc(this, socket, key, in);
                return;
            }
        }
        while (state == State.READ_HEAD && in.hasRemaining() && out.position() == 0)
        {
            final boolean done;
            try
            {
                done = parser.parse(in);
            }
            catch (final HttpException ex)
            {
                reject(ex.status(), ex.reason());
                return;
            }

            if (!done)
            {
                if (!headDeadlineArmed)
                {
                    // once per head, as nginx's client_header_timeout: a byte now and then does not extend it
                    headDeadlineArmed = true;
                    deadlineNs = System.nanoTime() + io.timeouts().headNs();
                }
                break;
            }
            onHead(parser.head());
        }

        if (state == State.READ_HEAD && inputClosed && out.position() == 0)
        {
            close();
        }
        else if (state == State.READ_HEAD && out.position() > 0)
        {
            interest(SelectionKey.OP_READ, false);
        }
    }

    // ---------------------------------------------------------------- request

    private void onHead(final RequestHead head)
    {
        version = head.version();
        keepAlive = head.keepAlive();
        headRequest = head.method() == HttpMethod.HEAD;
        chunkedBody = head.bodyFraming() == BodyFraming.CHUNKED;
        bodyRemaining = head.bodyFraming() == BodyFraming.CONTENT_LENGTH ? head.contentLength() : 0;
        responseHeadSent = false;
        responseChunked = false;
        responseBodyRemaining = UNBOUNDED;
        cancelled = false;
        finalFrameSeen = false;
        if (chunkedBody)
        {
            chunkedDecoder.reset();
        }

        if (io.testFaultHook() != null)
        {
            io.testFaultHook().onRequest(head);
        }
        route = io.router().route(head.buffer(), head.pathOffset(), head.pathLength());
        if (route == null)
        {
            respondLocally(404, "Not Found\n", hasBody());
            return;
        }

        state = State.WAIT_CHANNEL;
        deadlineNs = System.nanoTime() + io.timeouts().queueNs();
        interest(SelectionKey.OP_READ, false);
        if (!io.dispatch(this) && !io.enqueue(this))
        {
            failExchange(503, "Service Unavailable\n");
        }
    }

    public void onRingSpace()
    {
        pumpBody();
    }

    public boolean retryDispatch()
    {
        return state != State.WAIT_CHANNEL || io.dispatch(this);
    }

    private boolean hasBody()
    {
        return chunkedBody || bodyRemaining > 0;
    }

    /**
     * The I/O thread has a channel for this connection's request: send the head.
     */
    void onChannel(final long channelId, final int workerSlot, final ChannelEnd end)
    {
        awaitingWorker(true);
        this.channelId = channelId;
        this.workerSlot = workerSlot;
        this.end = end;
        try
        {
            end.resync();
        }
        catch (final RingCorruptedException ex)
        {
            onWorkerFault(ex.getMessage());
            return;
        }

        final RequestHead head = parser.head();
        final byte[] bytes = head.buffer();
        if (headBytes == null || headBytes.array() != bytes)
        {
            headBytes = ByteBuffer.wrap(bytes);
        }

        // the worker gets the origin form: an absolute-form target (a proxy's form) is cut to path and query
        final boolean absolute = head.targetForm() == TargetForm.ABSOLUTE;
        final int targetOffset = absolute ? head.pathOffset() : head.targetOffset();
        final int targetLength = !absolute ? head.targetLength() :
            (head.queryOffset() >= 0 ? head.queryOffset() + head.queryLength() : head.pathOffset() + head.pathLength()) -
            head.pathOffset();
        int length = HttpHeadDescriptor.FIXED_LENGTH + HeadWriter.encodedLength(route.application().length()) +
            HeadWriter.encodedLength(head.methodLength()) + HeadWriter.encodedLength(Math.max(targetLength, 1));
        final int count = head.headerCount();
        for (int i = 0; i < count; i++)
        {
            length += HeadWriter.encodedLength(head.headerNameLength(i)) + HeadWriter.encodedLength(head.headerValueLength(i));
        }

        final RingWriter writer = end.writer();
        if (length > writer.maxPayloadLength())
        {
            failExchange(431, "Request Header Fields Too Large\n");
            return;
        }

        final long at;
        try
        {
            at = writer.tryClaim(HttpFrameType.REQUEST_HEAD, FrameDescriptor.UNFRAGMENTED, length);
        }
        catch (final RingCorruptedException ex)
        {
            onWorkerFault(ex.getMessage());
            return;
        }
        if (at == RingWriter.INSUFFICIENT_CAPACITY)
        {
            failExchange(503, "Service Unavailable\n");
            return;
        }

        final int flags = (hasBody() ? HttpHeadDescriptor.FLAG_HAS_BODY : 0) |
            (head.expectContinue() ? HttpHeadDescriptor.FLAG_EXPECT_CONTINUE : 0) |
            (keepAlive ? HttpHeadDescriptor.FLAG_KEEP_ALIVE : 0);
        headWriter.wrap(io.segmentBuffer(), Math.toIntExact(at))
            .requestFixed(version == HttpVersion.HTTP_1_0 ? 0 : 1, flags, count,
                chunkedBody ? HttpHeadDescriptor.UNKNOWN_LENGTH : bodyRemaining)
            .putString(route.application())
            .putBytes(headBytes, 0, head.methodLength());
        if (targetLength > 0)
        {
            headWriter.putBytes(headBytes, targetOffset, targetLength);
        }
        else
        {
            headWriter.putString("/");
        }
        for (int i = 0; i < count; i++)
        {
            headWriter.putBytes(headBytes, head.headerNameOffset(i), head.headerNameLength(i))
                .putBytes(headBytes, head.headerValueOffset(i), head.headerValueLength(i));
        }
        writer.commit();
        // the handler may start before any body byte arrives
        end.signalPeer();

        deadlineNs = System.nanoTime() + io.timeouts().responseNs();
        if (hasBody())
        {
            state = State.BODY;
            bodyStartNs = System.nanoTime();
            bodyBytes = 0;
            ringWaitSinceNs = 0;
            if (head.expectContinue() && !in.hasRemaining())
            {
                ResponseHeadWriter.putContinue(out);
                try
                {
                    flush();
                }
                catch (final IOException ex)
                {
                    end.signalPeer();
                    onClientGone();
                    return;
                }
            }
            pumpBody();
        }
        else
        {
            state = State.AWAIT_RESPONSE;
            interest(SelectionKey.OP_READ, true);
        }
    }

    /**
     * Moves request body bytes into the inbound ring: first those already in the
     * read buffer, then straight from the socket into claimed ring space.
     */
    void pumpBody()
    {
        if (state != State.BODY)
        {
            return;
        }

        if (ringWaitSinceNs != 0)
        {
            bodyStartNs += System.nanoTime() - ringWaitSinceNs;
            ringWaitSinceNs = 0;
        }
        final RingWriter writer = end.writer();
        boolean published = false;
        try
        {
            while (state == State.BODY)
            {
                if (!chunkedBody && bodyRemaining == 0)
                {
                    // the body is all in; only REQUEST_END is left (the ring was full for it before)
                    finishBody();
                    published = true;
                    if (state == State.BODY)
                    {
                        break;
                    }
                    continue;
                }

                final int room = writer.writablePayloadLength();
                if (room == 0)
                {
                    // ring full: stop reading the socket until the worker frees space
                    interest(SelectionKey.OP_READ, false);
                    waitForRing();
                    break;
                }

                if (chunkedBody)
                {
                    if (!in.hasRemaining() && fill() <= 0)
                    {
                        if (inputClosed)
                        {
                            onClientGone();
                            return;
                        }
                        interest(SelectionKey.OP_READ, true);
                        break;
                    }
                    // the decoder may hand several ranges: they fill one frame claimed for `room` bytes
                    bodyClaimOffset = writer.tryClaim(HttpFrameType.REQUEST_BODY, FrameDescriptor.UNFRAGMENTED, room);
                    bodyClaimFilled = 0;
                    final int delivered;
                    try
                    {
                        delivered = chunkedDecoder.decode(in, room, chunkIntoClaim);
                    }
                    catch (final RuntimeException ex)
                    {
                        writer.abort();
                        throw ex;
                    }
                    if (delivered > 0)
                    {
                        bodyBytes += delivered;
                        writer.commit(delivered);
                        published = true;
                    }
                    else
                    {
                        writer.abort();
                    }
                    if (chunkedDecoder.isDone())
                    {
                        finishBody();
                        published = true;
                    }
                }
                else if (in.hasRemaining())
                {
                    final int n = (int)Math.min(Math.min(bodyRemaining, in.remaining()), room);
                    copyBodyIntoRing(in, in.position(), n);
                    in.position(in.position() + n);
                    bodyRemaining -= n;
                    bodyBytes += n;
                    published = true;
                    if (bodyRemaining == 0)
                    {
                        finishBody();
                    }
                }
                else
                {
                    final int n = (int)Math.min(bodyRemaining, room);
                    final long at = writer.tryClaim(HttpFrameType.REQUEST_BODY, FrameDescriptor.UNFRAGMENTED, n);
                    final ByteBuffer view = io.ringView(at, n);
                    final int read = socket.read(view);
                    if (read <= 0)
                    {
                        writer.abort();
                        if (read < 0)
                        {
                            inputClosed = true;
                            onClientGone();
                            return;
                        }
                        interest(SelectionKey.OP_READ, true);
                        break;
                    }
                    writer.commit(read);
                    bodyRemaining -= read;
                    bodyBytes += read;
                    published = true;
                    if (bodyRemaining == 0)
                    {
                        finishBody();
                    }
                }
            }
        }
        catch (final HttpException ex)
        {
            // a broken chunked body: the worker is told the request is off, the client gets the status
            cancelWorker();
            failExchange(ex.status(), ex.reason() + "\n");
            return;
        }
        catch (final RingCorruptedException ex)
        {
            // the worker wrote an impossible head position into the inbound ring
            published = false;
            onWorkerFault(ex.getMessage());
            return;
        }
        catch (final IOException ex)
        {
            onClientGone();
            return;
        }
        finally
        {
            if (published && end != null)
            {
                end.signalPeer();
            }
        }
    }

    private void copyChunkIntoClaim(final ByteBuffer source, final int index, final int length)
    {
        MemorySegment.copy(inSegment, index, io.memory(), bodyClaimOffset + bodyClaimFilled, length);
        bodyClaimFilled += length;
    }

    private void copyBodyIntoRing(final ByteBuffer source, final int index, final int length)
    {
        final RingWriter writer = end.writer();
        final long at = writer.tryClaim(HttpFrameType.REQUEST_BODY, FrameDescriptor.UNFRAGMENTED, length);
        // the only source is this connection's read buffer (the decoder hands ranges of it)
        MemorySegment.copy(inSegment, index, io.memory(), at, length);
        writer.commit();
    }

    private void finishBody()
    {
        final RingWriter writer = end.writer();
        if (writer.tryClaim(HttpFrameType.REQUEST_END, FrameDescriptor.UNFRAGMENTED, 0) == RingWriter.INSUFFICIENT_CAPACITY)
        {
            waitForRing();
            return;
        }
        writer.commit();
        state = State.AWAIT_RESPONSE;
        interest(SelectionKey.OP_READ, true);
    }

    private void waitForRing()
    {
        if (ringWaitSinceNs == 0)
        {
            ringWaitSinceNs = System.nanoTime();
        }
        io.blockedOnRing(this);
    }

    // ---------------------------------------------------------------- response

    /**
     * The worker rang for this connection's channel: relay what it wrote.
     *
     * @return frames handled.
     */
    public int onOutbound()
    {
        if (end == null)
        {
            return 0;
        }

        if (detached)
        {
            return drainDetached();
        }

        int frames = 0;
        try
        {
            // one frame at a time: a socket that cannot take more stops the relay with the
            // rest of the response still in the ring (backpressure to the worker)
            while (!finalFrameSeen && !hasPendingOutput())
            {
                final int n = end.reader().read(responseHandler, 1);
                if (n == 0)
                {
                    break;
                }
                frames += n;
            }
            flush();
        }
        catch (final BadWorkerFrame | RingCorruptedException ex)
        {
            onWorkerFault(ex.getMessage());
            return frames;
        }
        catch (final IOException | ClientGone ex)
        {
            onClientGone();
            return frames;
        }
        // anything else is a bug of the CM's own, not the worker's: the I/O thread logs it and closes this
        // connection, and the worker, which may be right, is not cut off

        if (finalFrameSeen)
        {
            completeExchange();
        }
        else if (hasPendingOutput())
        {
            interest(SelectionKey.OP_WRITE, true);
        }
        return frames;
    }

    /**
     * The client is gone but the worker has not finished: read and drop its
     * frames until the final one, then give the channel back.
     */
    private int drainDetached()
    {
        int frames = 0;
        try
        {
            int n;
            while ((n = end.reader().read(this::onDetachedFrame, Integer.MAX_VALUE)) > 0)
            {
                frames += n;
            }
        }
        catch (final RingCorruptedException ex)
        {
            io.reportBadWorker(workerSlot, channelId, ex.getMessage());
            finalFrameSeen = true;
        }
        if (finalFrameSeen)
        {
            releaseChannel();
        }
        return frames;
    }

    private void onDetachedFrame(final MemorySegment memory, final long offset, final int length, final int type,
        final int flags)
    {
        if (type == HttpFrameType.RESPONSE_END || type == HttpFrameType.RESPONSE_ABORT)
        {
            finalFrameSeen = true;
        }
    }


    private void onResponseFrame(final MemorySegment memory, final long offset, final int length, final int type,
        final int flags)
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
            case HttpFrameType.RESPONSE_HEAD -> onResponseHead(memory, offset, length);
            case HttpFrameType.RESPONSE_BODY -> onResponseBody(memory, offset, length);
            case HttpFrameType.RESPONSE_END ->
            {
                if (!responseHeadSent)
                {
                    throw new BadWorkerFrame("RESPONSE_END before RESPONSE_HEAD");
                }
                if (responseBodyRemaining != UNBOUNDED && responseBodyRemaining != 0 && !headRequest && !cancelled)
                {
                    throw new BadWorkerFrame(
                        "RESPONSE_END with " + responseBodyRemaining + " bytes of the promised Content-Length unsent");
                }
                if (responseChunked && !headRequest)
                {
                    ChunkedEncoder.putLastChunk(out);
                }
                finalFrameSeen = true;
            }
            case HttpFrameType.RESPONSE_ABORT ->
            {
                finalFrameSeen = true;
                if (!responseHeadSent && !cancelled)
                {
                    respondLocally(502, "Bad Gateway\n", false);
                }
                else
                {
                    closeAfterResponse = true;
                    keepAlive = false;
                    cancelled = true;
                }
            }
            default -> throw new BadWorkerFrame("unexpected frame type " + HttpFrameType.name(type));
        }
    }

    private void onResponseHead(final MemorySegment memory, final long offset, final int length)
    {
        if (responseHeadSent || length < HttpHeadDescriptor.FIXED_LENGTH)
        {
            throw new BadWorkerFrame("RESPONSE_HEAD repeated or shorter than its fixed part: length=" + length);
        }

        final int status = memory.get(SHORT, offset + HttpHeadDescriptor.STATUS_OFFSET) & 0xFFFF;
        final int count = memory.get(SHORT, offset + HttpHeadDescriptor.RESPONSE_HEADER_COUNT_OFFSET) & 0xFFFF;
        final long contentLength = memory.get(LONG, offset + HttpHeadDescriptor.CONTENT_LENGTH_OFFSET);
        final int reserved = memory.get(INT, offset + HttpHeadDescriptor.STATUS_OFFSET + 4);
        if (status < 200 || status > 599 || contentLength < HttpHeadDescriptor.UNKNOWN_LENGTH || reserved != 0)
        {
            throw new BadWorkerFrame(
                "RESPONSE_HEAD status=" + status + " contentLength=" + contentLength + " reserved=" + reserved);
        }

        try
        {
            responseHeadWriter.begin(out, status);
            long at = offset + HttpHeadDescriptor.FIXED_LENGTH;
            final long limit = offset + length;
            for (int i = 0; i < count; i++)
            {
                final int nameLength = readLength(memory, at, limit);
                final long nameOffset = at + 2;
                at = nameOffset + nameLength;
                final int valueLength = readLength(memory, at, limit);
                final long valueOffset = at + 2;
                at = valueOffset + valueLength;
                responseHeadWriter.header(memory, nameOffset, nameLength, valueOffset, valueLength);
            }
            if (at != limit)
            {
                throw new BadWorkerFrame("RESPONSE_HEAD has " + (limit - at) + " bytes after its headers");
            }

            // the worker's body must match the framing the client is told, or the client reads the
            // next response out of this one's body (or waits for bytes that never come)
            responseBodyRemaining = status == 204 || status == 304 ? 0 : contentLength >= 0 ? contentLength : UNBOUNDED;
            if (contentLength >= 0)
            {
                responseHeadWriter.contentLength(contentLength);
            }
            else if (version == HttpVersion.HTTP_1_1)
            {
                responseChunked = true;
                responseHeadWriter.chunked();
            }
            else
            {
                // HTTP/1.0 and no length: the end of the connection ends the body
                keepAlive = false;
            }

            if (!keepAlive || closeAfterResponse || io.isStopping())
            {
                keepAlive = false;
                responseHeadWriter.connectionClose();
            }
            else if (version == HttpVersion.HTTP_1_0)
            {
                responseHeadWriter.connectionKeepAlive();
            }
            responseHeadWriter.end();
        }
        catch (final InvalidHeaderException ex)
        {
            throw new BadWorkerFrame("RESPONSE_HEAD header refused: " + ex.getMessage());
        }
        catch (final java.nio.BufferOverflowException ex)
        {
            throw new BadWorkerFrame("RESPONSE_HEAD too large for the output buffer of " + out.capacity() + " bytes");
        }
        responseHeadSent = true;
    }

    private static int readLength(final MemorySegment memory, final long at, final long limit)
    {
        if (at + 2 > limit)
        {
            throw new BadWorkerFrame("RESPONSE_HEAD header length runs past the frame");
        }
        // strings are packed: after an odd-length one the next length is at an odd offset
        final int length = memory.get(SHORT_UNALIGNED, at) & 0xFFFF;
        if (at + 2 + length > limit)
        {
            throw new BadWorkerFrame("RESPONSE_HEAD header of " + length + " bytes runs past the frame");
        }
        return length;
    }

    private void onResponseBody(final MemorySegment memory, final long offset, final int length)
    {
        if (!responseHeadSent)
        {
            throw new BadWorkerFrame("RESPONSE_BODY before RESPONSE_HEAD");
        }
        if (headRequest || length == 0 || cancelled)
        {
            return;
        }
        if (length > responseBodyRemaining)
        {
            throw new BadWorkerFrame("RESPONSE_BODY of " + length + " bytes past the promised length: " +
                responseBodyRemaining + " bytes left");
        }
        if (responseBodyRemaining != UNBOUNDED)
        {
            responseBodyRemaining -= length;
        }

        final int framing = responseChunked ? ChunkedEncoder.MAX_CHUNK_HEADER_LENGTH + ChunkedEncoder.CHUNK_END_LENGTH : 0;
        if (length <= COPY_THRESHOLD && out.remaining() >= length + framing)
        {
            if (responseChunked)
            {
                ChunkedEncoder.putChunkHeader(out, length);
            }
            MemorySegment.copy(memory, offset, outSegment, out.position(), length);
            out.position(out.position() + length);
            if (responseChunked)
            {
                ChunkedEncoder.putChunkEnd(out);
            }
            return;
        }

        // zero copy: pending head bytes, chunk framing and the ring's bytes in one gathering write
        final ByteBuffer body = io.ringView(offset, length);
        out.flip();
        int count = 0;
        gather[count++] = out;
        if (responseChunked)
        {
            chunkHeader.clear();
            ChunkedEncoder.putChunkHeader(chunkHeader, length);
            chunkHeader.flip();
            gather[count++] = chunkHeader;
        }
        gather[count++] = body;
        try
        {
            socket.write(gather, 0, count);
        }
        catch (final IOException ex)
        {
            out.clear();
            throw new ClientGone();
        }

        // whatever the socket did not take is copied into the output buffer and sent later
        out.compact();
        if (responseChunked && chunkHeader.hasRemaining())
        {
            out.put(chunkHeader);
        }
        if (body.hasRemaining())
        {
            out.put(body);
        }
        if (responseChunked)
        {
            ChunkedEncoder.putChunkEnd(out);
        }
    }

    private boolean hasPendingOutput()
    {
        return out.position() > io.buffers().flushThreshold();
    }

    /**
     * @return true when everything is written.
     */
    private boolean flush() throws IOException
    {
        return client.flush(out);
    }

    private void completeExchange()
    {
        if (state == State.BODY || state == State.WAIT_CHANNEL)
        {
            // answered before the whole body came: what is left of it must not be read as requests
            keepAlive = false;
        }
        releaseChannel();
        if (!keepAlive || closeAfterResponse)
        {
            state = State.CLOSED;
            closeWhenFlushed();
            return;
        }

        awaitNextRequest();
    }

    /**
     * Keep-alive: back to reading heads, starting with pipelined bytes already
     * read (once the response has left, so responses stay in order).
     */
    private void awaitNextRequest()
    {
        parser.reset();
        headDeadlineArmed = false;
        state = State.READ_HEAD;
        deadlineNs = System.nanoTime() + io.timeouts().idleNs();
        if (out.position() == 0)
        {
            interest(SelectionKey.OP_READ, !inputClosed);
            parseHeads();
        }
        else
        {
            // reading resumes once the response has left (afterFlush)
            interest(SelectionKey.OP_READ, false);
        }
    }

    private void afterFlush()
    {
        if (state == State.CLOSED)
        {
            close();
        }
        else if (state == State.READ_HEAD)
        {
            interest(SelectionKey.OP_READ, !inputClosed);
            parseHeads();
        }
    }

    private void closeWhenFlushed()
    {
        if (out.position() == 0)
        {
            close();
        }
        else
        {
            interest(SelectionKey.OP_WRITE, true);
        }
    }

    // ---------------------------------------------------------------- failures

    private void reject(final int status, final String reason)
    {
        // framing is in doubt after a bad head: answer and close
        keepAlive = false;
        headRequest = false;
        respondLocally(status, reason + "\n", true);
    }

    /**
     * A response made by the CM itself (4xx, 502, 503, 504): never holds peer bytes.
     */
    private void respondLocally(final int status, final String body, final boolean close)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        // appended: the buffer holds nothing of a response (the next head is parsed only once it is empty)
        // but may hold an interim 100 Continue the socket has not taken whole
        responseHeadWriter.begin(out, status).header("Content-Type", "text/plain").contentLength(bytes.length);
        if (close || !keepAlive)
        {
            responseHeadWriter.connectionClose();
        }
        responseHeadWriter.end();
        if (!headRequest)
        {
            out.put(bytes);
        }
        try
        {
            flush();
        }
        catch (final IOException ex)
        {
            close();
            return;
        }

        if (close || !keepAlive)
        {
            state = State.CLOSED;
            closeWhenFlushed();
        }
        else
        {
            awaitNextRequest();
        }
    }

    /**
     * The worker wrote something impossible on this connection's channel: it is
     * reported (and cut off), nothing more is read from the channel, and the
     * client gets a 502 if no byte of the response has left, else the connection
     * closes (the body it has is short, which it can tell). A 502 in the middle of
     * an upload closes too: the rest of the body is still on the socket.
     */
    public void onWorkerFault(final String what)
    {
        final boolean midRequest = state == State.BODY || state == State.WAIT_CHANNEL;
        io.reportBadWorker(workerSlot, channelId, what);
        finalFrameSeen = true;
        detached = false;
        releaseChannel();
        if (state == State.CLOSED)
        {
            // the client left already (the channel was draining): nobody to answer
            return;
        }
        if (responseHeadSent)
        {
            close();
            return;
        }
        respondLocally(502, "Bad Gateway\n", midRequest);
    }

    /**
     * Fails the current exchange with a CM-made response; the channel, if any, is released.
     */
    void failExchange(final int status, final String body)
    {
        if (channelId != ChannelId.NONE)
        {
            if (!finalFrameSeen)
            {
                cancelWorker();
                detached = true;
            }
            else
            {
                releaseChannel();
            }
        }
        if (responseHeadSent)
        {
            close();
            return;
        }
        respondLocally(status, body, true);
    }

    /**
     * The worker serving this request died: its channel is gone already.
     */
    public void onWorkerLost()
    {
        awaitingWorker(false);
        channelId = ChannelId.NONE;
        end = null;
        detached = false;
        if (state == State.CLOSED)
        {
            return;
        }
        if (responseHeadSent)
        {
            // what the worker wrote before it died is passed on, then the connection closes: the client gets
            // the response whole if it was, else short, which it can tell; closing at once would drop a head
            // (and body) not yet written to the socket, and the client would see no response at all
            keepAlive = false;
            state = State.CLOSED;
            closeWhenFlushed();
            return;
        }
        respondLocally(502, "Bad Gateway\n", true);
    }

    /**
     * After an unexpected failure in this connection's handling: the worker is
     * told, the channel drains to its final frame, the socket closes.
     */
    public void abandon()
    {
        try
        {
            onClientGone();
        }
        catch (final RuntimeException ex)
        {
            close();
        }
    }

    private void onClientGone()
    {
        if (channelId != ChannelId.NONE && !finalFrameSeen)
        {
            cancelWorker();
            detached = true;
        }
        else if (channelId != ChannelId.NONE)
        {
            releaseChannel();
        }
        io.dequeue(this);
        close();
    }

    /**
     * Tells the worker the request is off. Out of band, through the slot's
     * state (CLOSING), never a frame: the worker may have read the last
     * inbound frame already and will not look at the ring again, and a
     * stalled upload leaves no room in it anyway.
     */
    private void cancelWorker()
    {
        if (end != null && !cancelled)
        {
            cancelled = true;
            io.beginClose(channelId);
            end.signalPeer();
        }
    }

    /**
     * This connection is done with its channel; the I/O thread closes it and
     * releases the slot once the worker says it is done too.
     */
    /**
     * Tells the I/O thread whether this connection's request is with a worker: while any is, the thread
     * polls for the answer rather than sleeping (see {@link IoThread#awaitingAnswers}).
     */
    private void awaitingWorker(final boolean awaiting)
    {
        if (awaiting != awaitingWorker)
        {
            awaitingWorker = awaiting;
            io.awaitingAnswers(awaiting ? 1 : -1);
        }
    }

    private void releaseChannel()
    {
        awaitingWorker(false);
        if (channelId != ChannelId.NONE)
        {
            io.retire(channelId, workerSlot, end);
            channelId = ChannelId.NONE;
            end = null;
        }
    }

    /**
     * Checks the deadline of the current phase.
     */
    public void checkTimeout(final long nowNs)
    {
        if (state == State.BODY && ringWaitSinceNs == 0 && io.timeouts().bodyTooSlow(bodyStartNs, bodyBytes, nowNs))
        {
            // a body trickling in below the minimum rate holds a channel and a worker thread: cut it off
            failExchange(408, "Request Timeout\n");
            return;
        }
        if (nowNs - deadlineNs < 0)
        {
            return;
        }

        switch (state)
        {
            case READ_HEAD ->
            {
                if (parser.isIdle())
                {
                    close();
                }
                else
                {
                    reject(408, "Request Timeout");
                }
            }
            case WAIT_CHANNEL ->
            {
                io.dequeue(this);
                respondLocally(503, "Service Unavailable\n", true);
            }
            case BODY, AWAIT_RESPONSE -> failExchange(504, "Gateway Timeout\n");
            case CLOSED -> close();
        }
    }

    public void close()
    {
        awaitingWorker(false);
        if (state == State.CLOSED && !key.isValid())
        {
            return;
        }
        state = State.CLOSED;
        io.closed(this);
        client.close();
    }

    private void interest(final int op, final boolean on)
    {
        client.interest(op, on);
    }

    /**
     * A frame from the worker that cannot be right.
     */
    static final class BadWorkerFrame extends RuntimeException
    {
        BadWorkerFrame(final String message)
        {
            super(message, null, false, false);
        }
    }

    /**
     * The client's socket failed mid-relay.
     */
    static final class ClientGone extends RuntimeException
    {
        ClientGone()
        {
            super(null, null, false, false);
        }
    }
}
