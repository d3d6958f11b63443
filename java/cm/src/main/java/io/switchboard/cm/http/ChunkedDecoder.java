package io.switchboard.cm.http;

import java.nio.ByteBuffer;

import static io.switchboard.cm.http.HttpChars.CR;
import static io.switchboard.cm.http.HttpChars.LF;
import static io.switchboard.cm.http.HttpChars.hexValue;
import static io.switchboard.cm.http.HttpChars.isFieldVchar;
import static io.switchboard.cm.http.HttpChars.isOws;
import static io.switchboard.cm.http.HttpChars.isTchar;
import static io.switchboard.cm.http.HttpException.badRequest;

/**
 * Decodes a chunked request body (RFC 9112 section 7.1) incrementally and in
 * place: it walks the caller's buffer, checks the framing, and hands each run
 * of data bytes to a {@link ChunkDataHandler} as a range of that same buffer.
 * <pre>
 *   1a;name=value\r\n          chunk-size in hex, extensions (checked, bounded, ignored)
 *   ...26 data bytes...\r\n    delivered in place, in one or more ranges
 *   0\r\n                      last chunk
 *   Trailer-Field: x\r\n       trailer section: validated like header fields, bounded, discarded
 *   \r\n                       end: the position stops right after it
 * </pre>
 * Refused, with the connection to be closed: a chunk size that is empty,
 * signed, not hex, or over the body limit (checked digit by digit, so no
 * overflow: 413); a missing CRLF after data; bare CR or LF; control bytes
 * in an extension; a chunk line over {@link HttpLimits#maxChunkLineLength()}
 * (400); obs-fold or bad bytes in a trailer (400); a trailer section over
 * {@link HttpLimits#maxTrailerLength()} (431).
 * <p>
 * Trailers are discarded: RFC 9110 section 6.5.1 lets a recipient do so, and
 * the worker's request model has no place for them.
 * <p>
 * Allocation: none. Not thread-safe: one decoder per connection, reset per request.
 */
public final class ChunkedDecoder
{
    private static final int SIZE_START = 0;
    private static final int SIZE = 1;
    private static final int SIZE_OWS = 2;
    private static final int EXTENSION = 3;
    private static final int SIZE_LF = 4;
    private static final int DATA = 5;
    private static final int DATA_CR = 6;
    private static final int DATA_LF = 7;
    private static final int TRAILER_START = 8;
    private static final int TRAILER_NAME = 9;
    private static final int TRAILER_VALUE = 10;
    private static final int TRAILER_LF = 11;
    private static final int END_LF = 12;
    private static final int DONE = 13;
    private static final int FAILED = 14;

    private final long maxBodyLength;
    private final int maxChunkLineLength;
    private final int maxTrailerLength;

    private int state;
    private int lineLength;
    private int trailerLength;
    private long chunkRemaining;
    private long bodyLength;

    public ChunkedDecoder(final HttpLimits limits)
    {
        this.maxBodyLength = limits.maxBodyLength();
        this.maxChunkLineLength = limits.maxChunkLineLength();
        this.maxTrailerLength = limits.maxTrailerLength();
        reset();
    }

    /**
     * Prepares for the next body. Allocates nothing.
     */
    public void reset()
    {
        state = SIZE_START;
        lineLength = 0;
        trailerLength = 0;
        chunkRemaining = 0;
        bodyLength = 0;
    }

    /**
     * @return true once the whole body, trailers and final CRLF included, has been consumed.
     */
    public boolean isDone()
    {
        return state == DONE;
    }

    /**
     * @return data bytes delivered so far for this body.
     */
    public long bodyLength()
    {
        return bodyLength;
    }

    /**
     * Consumes {@code buffer} from its position and delivers the data found, in order. Stops at the buffer's limit,
     * after {@code maxDataLength} data bytes (backpressure: the channel's free space), or right after the body's end,
     * whichever comes first, and leaves the position there: the bytes after the body belong to the next request.
     *
     * @param buffer        the bytes received, heap or direct; read with absolute methods.
     * @param maxDataLength the most data bytes to deliver in this call (0 consumes framing up to the next data).
     * @param handler       receives the data in place.
     * @return data bytes delivered by this call.
     * @throws HttpException         when the body must be refused; the decoder is then unusable until {@link #reset()}.
     * @throws IllegalStateException when called after the body ended or failed, without {@link #reset()}.
     */
    public int decode(final ByteBuffer buffer, final int maxDataLength, final ChunkDataHandler handler)
    {
        if (state >= DONE)
        {
            throw new IllegalStateException(state == DONE ?
                "body already decoded: reset() before the next one" :
                "decoder failed on an earlier body: reset() before reusing it");
        }
        if (maxDataLength < 0)
        {
            throw new IllegalArgumentException("maxDataLength must not be negative: maxDataLength=" + maxDataLength);
        }

        final int limit = buffer.limit();
        int position = buffer.position();
        int delivered = 0;
        try
        {
            while (position < limit)
            {
                if (state == DATA)
                {
                    final int length = (int)Math.min(chunkRemaining, Math.min(limit - position, maxDataLength - delivered));
                    if (length == 0)
                    {
                        break;
                    }
                    handler.onData(buffer, position, length);
                    position += length;
                    delivered += length;
                    chunkRemaining -= length;
                    bodyLength += length;
                    if (chunkRemaining == 0)
                    {
                        state = DATA_CR;
                    }
                }
                else
                {
                    consume(buffer.get(position++) & 0xFF);
                    if (state == DONE)
                    {
                        break;
                    }
                }
            }

            return delivered;
        }
        catch (final HttpException ex)
        {
            state = FAILED;
            throw ex;
        }
        finally
        {
            buffer.position(position);
        }
    }

    private void consume(final int b)
    {
        switch (state)
        {
            case SIZE_START:
                if (hexValue(b) < 0)
                {
                    throw badRequest("invalid chunk size");
                }
                lineLength = 1;
                chunkRemaining = hexValue(b);
                checkChunkSize();
                state = SIZE;
                break;

            case SIZE:
                if (b == CR)
                {
                    state = SIZE_LF;
                    break;
                }
                countLineByte();
                if (hexValue(b) >= 0)
                {
                    if (chunkRemaining > (Long.MAX_VALUE >> 4))
                    {
                        throw new HttpException(HttpStatus.CONTENT_TOO_LARGE, "body larger than the limit");
                    }
                    chunkRemaining = (chunkRemaining << 4) | hexValue(b);
                    checkChunkSize();
                }
                else if (b == ';')
                {
                    state = EXTENSION;
                }
                else if (isOws(b))
                {
                    state = SIZE_OWS;
                }
                else
                {
                    throw badRequest(b == LF ? "bare LF" : "invalid chunk size");
                }
                break;

            case SIZE_OWS:
                // BWS is allowed only before a ';' (chunk-ext), not before the CRLF.
                countLineByte();
                if (b == ';')
                {
                    state = EXTENSION;
                }
                else if (!isOws(b))
                {
                    throw badRequest("invalid chunk extension");
                }
                break;

            case EXTENSION:
                // Tolerated, not interpreted: field bytes up to the CR. Not even a quoted string may hold a CR or an
                // LF, so the first CR ends the line and no stray LF can start a chunk line the CM did not see.
                if (b == CR)
                {
                    state = SIZE_LF;
                }
                else
                {
                    countLineByte();
                    if (!isFieldVchar(b) && !isOws(b))
                    {
                        throw badRequest(b == LF ? "bare LF" : "invalid chunk extension");
                    }
                }
                break;

            case SIZE_LF:
                if (b != LF)
                {
                    throw badRequest("bare CR");
                }
                state = chunkRemaining == 0 ? TRAILER_START : DATA;
                break;

            case DATA_CR:
                if (b != CR)
                {
                    throw badRequest("missing CRLF after chunk data");
                }
                state = DATA_LF;
                break;

            case DATA_LF:
                if (b != LF)
                {
                    throw badRequest("missing CRLF after chunk data");
                }
                state = SIZE_START;
                break;

            case TRAILER_START:
                if (b == CR)
                {
                    state = END_LF;
                    break;
                }
                countTrailerByte();
                if (isTchar(b))
                {
                    state = TRAILER_NAME;
                }
                else if (isOws(b))
                {
                    throw badRequest("obsolete line folding in trailer");
                }
                else
                {
                    throw badRequest(b == LF ? "bare LF" : "invalid character in trailer name");
                }
                break;

            case TRAILER_NAME:
                countTrailerByte();
                if (b == ':')
                {
                    state = TRAILER_VALUE;
                }
                else if (!isTchar(b))
                {
                    throw badRequest(isOws(b) ? "whitespace before colon in trailer" : "invalid character in trailer name");
                }
                break;

            case TRAILER_VALUE:
                countTrailerByte();
                if (b == CR)
                {
                    state = TRAILER_LF;
                }
                else if (!isFieldVchar(b) && !isOws(b))
                {
                    throw badRequest(b == LF ? "bare LF" : "invalid character in trailer value");
                }
                break;

            case TRAILER_LF:
                countTrailerByte();
                if (b != LF)
                {
                    throw badRequest("bare CR");
                }
                state = TRAILER_START;
                break;

            case END_LF:
                if (b != LF)
                {
                    throw badRequest("bare CR");
                }
                state = DONE;
                break;

            default:
                throw new IllegalStateException("unexpected decoder state: state=" + state);
        }
    }

    private void checkChunkSize()
    {
        if (chunkRemaining > maxBodyLength - bodyLength)
        {
            throw new HttpException(HttpStatus.CONTENT_TOO_LARGE, "body larger than the limit");
        }
    }

    private void countLineByte()
    {
        if (++lineLength > maxChunkLineLength)
        {
            throw badRequest("chunk line too long");
        }
    }

    private void countTrailerByte()
    {
        if (++trailerLength > maxTrailerLength)
        {
            throw new HttpException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "trailer section too large");
        }
    }
}
