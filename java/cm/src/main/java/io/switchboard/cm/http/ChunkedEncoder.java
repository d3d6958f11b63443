package io.switchboard.cm.http;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Writes the framing of a chunked response body (RFC 9112 section 7.1) around
 * data the caller sends from where it already is: chunk header, data, chunk
 * end, then after the last data the last chunk.
 * <pre>
 *   putChunkHeader(header, n)     "1f4\r\n"       (hex, lower case, no extensions)
 *   ... n data bytes, written by the caller (a gathering write from the ring, say) ...
 *   putChunkEnd(trailer)          "\r\n"
 *   putLastChunk(trailer)         "0\r\n\r\n"     (no trailers)
 * </pre>
 * Each method writes all or nothing: too little room throws
 * {@link BufferOverflowException} and leaves the buffer as it was.
 * Allocation: none.
 */
public final class ChunkedEncoder
{
    /** The longest chunk header: 8 hex digits (an int length) and CRLF. */
    public static final int MAX_CHUNK_HEADER_LENGTH = 10;

    /** The CRLF after a chunk's data. */
    public static final int CHUNK_END_LENGTH = 2;

    /** {@code "0\r\n\r\n"}: the last chunk and the empty trailer section. */
    public static final int LAST_CHUNK_LENGTH = 5;

    private static final byte[] HEX_DIGITS = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
        'a', 'b', 'c', 'd', 'e', 'f' };

    private ChunkedEncoder()
    {
    }

    /**
     * @return bytes {@link #putChunkHeader} writes for a chunk of {@code dataLength} bytes.
     */
    public static int chunkHeaderLength(final int dataLength)
    {
        checkDataLength(dataLength);
        return hexDigits(dataLength) + 2;
    }

    /**
     * Writes {@code size CRLF} at the buffer's position and advances it.
     *
     * @param dataLength the chunk's data bytes, at least 1 (a zero size would end the body: use {@link #putLastChunk}).
     * @return bytes written.
     */
    public static int putChunkHeader(final ByteBuffer buffer, final int dataLength)
    {
        final int length = chunkHeaderLength(dataLength);
        final int position = reserve(buffer, length);
        int value = dataLength;
        for (int i = position + length - 3; i >= position; i--)
        {
            buffer.put(i, HEX_DIGITS[value & 0xF]);
            value >>>= 4;
        }
        buffer.put(position + length - 2, (byte)'\r');
        buffer.put(position + length - 1, (byte)'\n');
        buffer.position(position + length);

        return length;
    }

    /**
     * Writes the CRLF that ends a chunk's data.
     *
     * @return bytes written.
     */
    public static int putChunkEnd(final ByteBuffer buffer)
    {
        final int position = reserve(buffer, CHUNK_END_LENGTH);
        buffer.put(position, (byte)'\r');
        buffer.put(position + 1, (byte)'\n');
        buffer.position(position + CHUNK_END_LENGTH);

        return CHUNK_END_LENGTH;
    }

    /**
     * Writes the last chunk and an empty trailer section: the body ends.
     *
     * @return bytes written.
     */
    public static int putLastChunk(final ByteBuffer buffer)
    {
        final int position = reserve(buffer, LAST_CHUNK_LENGTH);
        buffer.put(position, (byte)'0');
        buffer.put(position + 1, (byte)'\r');
        buffer.put(position + 2, (byte)'\n');
        buffer.put(position + 3, (byte)'\r');
        buffer.put(position + 4, (byte)'\n');
        buffer.position(position + LAST_CHUNK_LENGTH);

        return LAST_CHUNK_LENGTH;
    }

    private static int hexDigits(final int value)
    {
        return (35 - Integer.numberOfLeadingZeros(value)) >> 2;
    }

    private static void checkDataLength(final int dataLength)
    {
        if (dataLength < 1)
        {
            throw new IllegalArgumentException("a chunk holds at least one byte: dataLength=" + dataLength);
        }
    }

    private static int reserve(final ByteBuffer buffer, final int length)
    {
        if (buffer.remaining() < length)
        {
            throw new BufferOverflowException();
        }

        return buffer.position();
    }
}
