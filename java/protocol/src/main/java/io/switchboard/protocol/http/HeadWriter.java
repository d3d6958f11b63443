package io.switchboard.protocol.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a head (layout in {@link HttpHeadDescriptor}) into a buffer: a ring's
 * claimed space or a scratch buffer. No allocation: strings are copied byte by
 * byte from a {@link CharSequence} or from a range of another buffer.
 * <p>
 * Not thread-safe; reusable: {@link #wrap} starts a new head.
 */
public final class HeadWriter
{
    private ByteBuffer buffer;
    private int start;
    private int position;

    /**
     * Starts a head at {@code offset}; the fixed part is zeroed and skipped.
     */
    public HeadWriter wrap(final ByteBuffer buffer, final int offset)
    {
        this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.start = offset;
        for (int i = 0; i < HttpHeadDescriptor.FIXED_LENGTH; i += Long.BYTES)
        {
            buffer.putLong(offset + i, 0);
        }
        this.position = offset + HttpHeadDescriptor.FIXED_LENGTH;
        return this;
    }

    public HeadWriter requestFixed(final int versionMinor, final int flags, final int headerCount, final long contentLength)
    {
        checkCount(headerCount);
        buffer.put(start + HttpHeadDescriptor.VERSION_MINOR_OFFSET, (byte)versionMinor);
        buffer.put(start + HttpHeadDescriptor.FLAGS_OFFSET, (byte)flags);
        buffer.putShort(start + HttpHeadDescriptor.REQUEST_HEADER_COUNT_OFFSET, (short)headerCount);
        buffer.putLong(start + HttpHeadDescriptor.CONTENT_LENGTH_OFFSET, contentLength);
        return this;
    }

    public HeadWriter responseFixed(final int status, final int headerCount, final long contentLength)
    {
        checkCount(headerCount);
        if (status < 100 || status > 999)
        {
            throw new IllegalArgumentException("status=" + status);
        }
        buffer.putShort(start + HttpHeadDescriptor.STATUS_OFFSET, (short)status);
        buffer.putShort(start + HttpHeadDescriptor.RESPONSE_HEADER_COUNT_OFFSET, (short)headerCount);
        buffer.putLong(start + HttpHeadDescriptor.CONTENT_LENGTH_OFFSET, contentLength);
        return this;
    }

    /**
     * Appends a string of ISO-8859-1 characters.
     *
     * @throws IllegalArgumentException for a character above 0xFF or a string too long.
     */
    public HeadWriter putString(final CharSequence value)
    {
        final int length = value.length();
        checkLength(length);
        buffer.putShort(position, (short)length);
        int at = position + Short.BYTES;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c > 0xFF)
            {
                throw new IllegalArgumentException("not ISO-8859-1 at index " + i + ": U+" + Integer.toHexString(c));
            }
            buffer.put(at++, (byte)c);
        }
        position = at;
        return this;
    }

    /**
     * Appends a string given as bytes of another buffer (a parsed request head).
     */
    public HeadWriter putBytes(final ByteBuffer source, final int offset, final int length)
    {
        checkLength(length);
        buffer.putShort(position, (short)length);
        buffer.put(position + Short.BYTES, source, offset, length);
        position += Short.BYTES + length;
        return this;
    }

    /**
     * @return bytes written since {@link #wrap}.
     */
    public int length()
    {
        return position - start;
    }

    /**
     * @return the bytes an encoded string of {@code length} bytes takes.
     */
    public static int encodedLength(final int length)
    {
        return Short.BYTES + length;
    }

    private static void checkLength(final int length)
    {
        if (length > HttpHeadDescriptor.MAX_STRING_LENGTH)
        {
            throw new IllegalArgumentException("string too long for a head: length=" + length);
        }
    }

    private static void checkCount(final int headerCount)
    {
        if (headerCount < 0 || headerCount > HttpHeadDescriptor.MAX_HEADER_COUNT)
        {
            throw new IllegalArgumentException("headerCount=" + headerCount);
        }
    }
}
