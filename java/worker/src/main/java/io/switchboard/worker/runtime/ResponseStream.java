package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.http.ResponseHeadDecoder;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HeadWriter;
import io.switchboard.protocol.http.HttpHeadDescriptor;
import io.switchboard.protocol.http.ResponseHeadWriter;
import io.switchboard.worker.http.HttpResponse;

import java.io.IOException;
import java.io.OutputStream;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A handler's {@link HttpResponse}, written straight into the channel's
 * outbound ring: RESPONSE_HEAD, RESPONSE_BODY frames, RESPONSE_END. The
 * handler thread is the ring's only producer while the exchange lasts.
 * <p>
 * A full ring means the CM has not yet sent the bytes on to the client: the
 * writer rings the CM, then waits ({@link Backoff}) until there is space, the
 * request is cancelled, or the channel is no longer the one it was opened as.
 * <p>
 * Reused: each {@link Exchange} keeps one, and {@link #begin} starts the next response on it once the exchange
 * before it is over (its handler returned and the poller marked the channel done), so that a response costs no
 * stream, header list, backoff or head writer of its own.
 */
final class ResponseStream implements HttpResponse
{
    /** Set by the CM (framing, connection management, Date, Server): refused here so the CM never has to refuse them. */
    private static final String[] RESERVED = {
        "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "upgrade", "te",
        "trailer", "date", "server"};

    /** Headers a response usually carries fit without growing the arrays. */
    private static final int HEADERS = 8;

    private final ChannelTable channels;
    /** Whose cancellation ends a write: the exchange this stream belongs to. */
    private final Exchange exchange;
    private final SharedBuffer memory;
    private final Backoff backoff = new Backoff();
    /** Names and values side by side: a header object per response header was an allocation each. */
    private String[] headerNames = new String[HEADERS];
    private String[] headerValues = new String[HEADERS];
    private int headerCount;
    private final ResponseHeadWriter headWriter = new ResponseHeadWriter();

    private ChannelEnd end;
    private RingWriter writer;
    private long channelId;
    /** A HEAD request's: the head says what GET would send (its Content-Length too), and no body goes out. */
    private boolean headOnly;
    private int status;
    private long contentLength;
    private long written;
    private boolean committed;
    private boolean ended;
    private OutputStream outputStream;

    ResponseStream(final ChannelTable channels, final SharedBuffer memory, final Exchange exchange)
    {
        this.channels = channels;
        this.memory = memory;
        this.exchange = exchange;
    }

    /**
     * Starts the response of the exchange's next request: the one before is over, nothing writes this stream.
     */
    void begin(final ChannelEnd end, final long channelId, final boolean headOnly)
    {
        this.end = end;
        this.writer = end.writer();
        this.channelId = channelId;
        this.headOnly = headOnly;
        status = 200;
        contentLength = HttpHeadDescriptor.UNKNOWN_LENGTH;
        written = 0;
        committed = false;
        ended = false;
        clearHeaders();
    }

    public HttpResponse status(final int status)
    {
        checkNotCommitted();
        // the CM relays final responses only, and takes any other status for a broken worker
        if (status < ResponseHeadDecoder.MIN_STATUS || status > ResponseHeadDecoder.MAX_STATUS)
        {
            throw new IllegalArgumentException("status=" + status + ": a response's status is " +
                ResponseHeadDecoder.MIN_STATUS + ".." + ResponseHeadDecoder.MAX_STATUS);
        }
        this.status = status;
        return this;
    }

    public HttpResponse header(final String name, final String value)
    {
        checkNotCommitted();
        checkToken(name);
        checkValue(name, value);
        // compared ignoring case in place: a lower-cased copy of every name of every response was an allocation each
        for (final String reserved : RESERVED)
        {
            if (reserved.equalsIgnoreCase(name))
            {
                throw new IllegalArgumentException(name + " is set by the connection manager");
            }
        }
        addHeader(name, value);
        return this;
    }

    public HttpResponse contentLength(final long length)
    {
        checkNotCommitted();
        if (length < 0)
        {
            throw new IllegalArgumentException("contentLength=" + length);
        }
        contentLength = length;
        return this;
    }

    public void write(final byte[] bytes, final int offset, final int length) throws IOException
    {
        write(bytes, null, offset, length, true);
    }

    public void write(final ByteBuffer bytes) throws IOException
    {
        write(bytes, true);
    }

    /**
     * {@inheritDoc}
     * <p>
     * The bytes are published with the end: the CM is woken once, and sees the whole response at once if nothing
     * went out before.
     */
    @Override
    public void end(final ByteBuffer last) throws IOException
    {
        write(last, false);
        end();
    }

    private void write(final ByteBuffer bytes, final boolean publish) throws IOException
    {
        final int length = bytes.remaining();
        if (bytes.hasArray())
        {
            write(bytes.array(), null, bytes.arrayOffset() + bytes.position(), length, publish);
        }
        else
        {
            write(null, bytes, bytes.position(), length, publish);
        }
        bytes.position(bytes.position() + length);
    }

    /**
     * {@inheritDoc}
     * <p>
     * The head, the body and the end are published together: the CM sees the whole response or none of it, so a
     * worker that dies while answering costs the client a 502, not a response cut short.
     */
    @Override
    public void send(final byte[] body) throws IOException
    {
        contentLength(body.length);
        write(body, null, 0, body.length, false);
        end();
    }

    /**
     * Copies from an array or, when {@code array} is null, from a buffer (absolute indexes): copied straight from
     * either, with no {@link SharedBuffer} wrapped around it for each write.
     *
     * @param publish false to leave what is written for the next publication (the end's).
     */
    private void write(final byte[] array, final ByteBuffer buffer, final int offset, final int length,
        final boolean publish) throws IOException
    {
        if (ended)
        {
            throw new IOException("response already ended");
        }
        if (exchange.isCancelled())
        {
            throw new IOException("request cancelled: the client went away");
        }
        if (contentLength >= 0 && written + length > contentLength)
        {
            throw new IOException("body longer than the declared contentLength=" + contentLength);
        }

        commitHead();
        if (headOnly)
        {
            // the CM would drop the bytes: they need not cross the ring
            written += length;
            return;
        }
        int done = 0;
        while (done < length)
        {
            final int chunk = Math.min(length - done, writer.maxPayloadLength());
            final long at = claim(HttpFrameType.RESPONSE_BODY, chunk);
            if (array != null)
            {
                memory.putBytes(at, array, offset + done, chunk);
            }
            else
            {
                memory.putBytes(at, buffer, offset + done, chunk);
            }
            writer.commitUnpublished();
            done += chunk;
        }
        written += length;
        if (publish)
        {
            writer.publish();
            end.signalPeer();
        }
    }

    public OutputStream outputStream()
    {
        if (outputStream == null)
        {
            outputStream = new OutputStream()
            {
                private final byte[] one = new byte[1];

                public void write(final int b) throws IOException
                {
                    one[0] = (byte)b;
                    ResponseStream.this.write(one, 0, 1);
                }

                public void write(final byte[] b, final int off, final int len) throws IOException
                {
                    ResponseStream.this.write(b, off, len);
                }

                public void close() throws IOException
                {
                    end();
                }
            };
        }
        return outputStream;
    }

    public void end() throws IOException
    {
        if (ended)
        {
            return;
        }

        commitHead();
        if (contentLength >= 0 && written != contentLength && !headOnly)
        {
            abort();
            throw new IOException("body of " + written + " bytes ended short of the declared contentLength=" + contentLength);
        }

        claim(HttpFrameType.RESPONSE_END, 0);
        // before the frame is published: the CM may relay it and close the channel at once
        exchange.finalFrameWritten();
        writer.commit();
        ended = true;
        end.signalPeer();
    }

    public boolean isCommitted()
    {
        return committed;
    }

    boolean isEnded()
    {
        return ended;
    }

    /**
     * After a handler failure or a cancellation: a 500 if nothing went out yet
     * and the client still waits, else RESPONSE_ABORT. Either way the exchange
     * ends with exactly one final frame, which is what lets the CM release the
     * channel.
     */
    void fail()
    {
        if (ended)
        {
            return;
        }

        try
        {
            if (!committed && !exchange.isCancelled())
            {
                clearHeaders();
                status = 500;
                contentLength = HttpHeadDescriptor.UNKNOWN_LENGTH;
                addHeader("Content-Type", "text/plain; charset=utf-8");
                send("Internal Server Error\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            else
            {
                abort();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            try
            {
                abort();
            }
            catch (final IOException | RuntimeException ignored)
            {
                // the channel is gone (reclaimed by the CM): nothing left to tell
            }
        }
    }

    private void abort() throws IOException
    {
        if (ended)
        {
            return;
        }
        writer.abort();
        ended = true;
        claimFinal(HttpFrameType.RESPONSE_ABORT);
        exchange.finalFrameWritten();
        writer.commit();
        end.signalPeer();
    }

    /**
     * Claims space for a final frame: waits through a cancellation (the CM
     * needs the frame to release the channel), gives up only if the channel
     * is no longer open.
     */
    private void claimFinal(final short type) throws IOException
    {
        backoff.reset();
        while (true)
        {
            // OPEN or CLOSING with our generation: the CM still waits for this frame
            if (!channels.isCurrent(channelId))
            {
                throw new IOException("channel released by the connection manager");
            }
            if (writer.tryClaim(type, FrameDescriptor.UNFRAGMENTED, 0) != RingWriter.INSUFFICIENT_CAPACITY)
            {
                return;
            }
            writer.publish();
            end.signalPeer();
            backoff.idle();
        }
    }

    private void commitHead() throws IOException
    {
        if (committed)
        {
            return;
        }

        int length = HttpHeadDescriptor.RESPONSE_FIXED_LENGTH;
        for (int i = 0; i < headerCount; i++)
        {
            length += HeadWriter.encodedLength(headerNames[i].length()) + HeadWriter.encodedLength(headerValues[i].length());
        }

        if (length > writer.maxPayloadLength())
        {
            throw new IOException("response head of " + length + " bytes exceeds a frame of " + writer.maxPayloadLength());
        }

        final long at = claim(HttpFrameType.RESPONSE_HEAD, length);
        // in the ring's memory itself: a ByteBuffer view of the claimed space was an allocation per response
        headWriter.wrap(memory, at, status, headerCount, contentLength);
        for (int i = 0; i < headerCount; i++)
        {
            headWriter.putString(headerNames[i]).putString(headerValues[i]);
        }
        // published with the body's first bytes or the end, never alone: a head the CM has passed on can no
        // longer become a 502 if the worker dies
        writer.commitUnpublished();
        committed = true;
    }

    private long claim(final short type, final int length) throws IOException
    {
        if (!channels.isOpen(channelId))
        {
            // released (worker lost to the CM) or closing (cancelled): this exchange may write no more
            throw new IOException("channel closed by the connection manager");
        }
        backoff.reset();
        long at;
        while ((at = writer.tryClaim(type, FrameDescriptor.UNFRAGMENTED, length)) == RingWriter.INSUFFICIENT_CAPACITY)
        {
            // the CM frees space only from what it can see
            writer.publish();
            end.signalPeer();
            if (exchange.isCancelled())
            {
                throw new IOException("request cancelled: the client went away");
            }
            if (!channels.isOpen(channelId))
            {
                throw new IOException("channel closed by the connection manager");
            }
            backoff.idle();
        }
        return at;
    }

    private void addHeader(final String name, final String value)
    {
        if (headerCount == headerNames.length)
        {
            headerNames = Arrays.copyOf(headerNames, headerCount * 2);
            headerValues = Arrays.copyOf(headerValues, headerCount * 2);
        }
        headerNames[headerCount] = name;
        headerValues[headerCount] = value;
        headerCount++;
    }

    /**
     * Forgets the headers, and lets go of their Strings: a stream kept for the next exchange must not hold them.
     */
    private void clearHeaders()
    {
        Arrays.fill(headerNames, 0, headerCount, null);
        Arrays.fill(headerValues, 0, headerCount, null);
        headerCount = 0;
    }

    private void checkNotCommitted()
    {
        if (committed)
        {
            throw new IllegalStateException("response head already sent");
        }
    }

    private static void checkToken(final String name)
    {
        if (name.isEmpty())
        {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0)
            {
                throw new IllegalArgumentException("invalid character in header name at index " + i);
            }
        }
    }

    private static void checkValue(final String name, final String value)
    {
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7F || c > 0xFF)
            {
                throw new IllegalArgumentException("invalid character in the value of " + name + " at index " + i);
            }
        }
    }
}
