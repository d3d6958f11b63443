package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * Writes a response head (layout in {@link HttpHeadDescriptor}) where the CM will read it: in the space the worker
 * claimed in the channel's outbound ring. {@link HeadWriter} writes through a {@link java.nio.ByteBuffer}, and a
 * view of the ring made for every response was an allocation per request; this writes the ring's memory itself.
 * <p>
 * Not thread-safe; reusable: {@link #wrap} starts a new head.
 */
public final class ResponseHeadWriter
{
    private SharedBuffer buffer;
    private long position;

    /**
     * Starts a head at {@code offset}: writes its fixed part ({@link HttpHeadDescriptor#RESPONSE_FIXED_LENGTH}
     * bytes, the unused ones zeroed); the header names and values follow with {@link #putString}.
     *
     * @param headerCount how many name and value pairs follow.
     */
    public ResponseHeadWriter wrap(
        final SharedBuffer buffer, final long offset, final int status, final int headerCount, final long contentLength)
    {
        if (headerCount < 0 || headerCount > HttpHeadDescriptor.MAX_HEADER_COUNT)
        {
            throw new IllegalArgumentException("headerCount=" + headerCount);
        }
        if (status < 100 || status > 999)
        {
            throw new IllegalArgumentException("status=" + status);
        }
        this.buffer = buffer;
        buffer.putLong(offset, 0);
        buffer.putShort(offset + HttpHeadDescriptor.STATUS_OFFSET, (short)status);
        buffer.putShort(offset + HttpHeadDescriptor.RESPONSE_HEADER_COUNT_OFFSET, (short)headerCount);
        buffer.putLong(offset + HttpHeadDescriptor.CONTENT_LENGTH_OFFSET, contentLength);
        this.position = offset + HttpHeadDescriptor.RESPONSE_FIXED_LENGTH;
        return this;
    }

    /**
     * Appends a string of ISO-8859-1 characters.
     *
     * @throws IllegalArgumentException for a character above 0xFF or a string too long.
     */
    public ResponseHeadWriter putString(final CharSequence value)
    {
        final int length = value.length();
        if (length > HttpHeadDescriptor.MAX_STRING_LENGTH)
        {
            throw new IllegalArgumentException("string too long for a head: length=" + length);
        }
        buffer.putShort(position, (short)length);
        long at = position + Short.BYTES;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c > 0xFF)
            {
                throw new IllegalArgumentException("not ISO-8859-1 at index " + i + ": U+" + Integer.toHexString(c));
            }
            buffer.putByte(at++, (byte)c);
        }
        position = at;
        return this;
    }

    /**
     * @return where the next string goes: the head's end once the last is written.
     */
    public long position()
    {
        return position;
    }
}
