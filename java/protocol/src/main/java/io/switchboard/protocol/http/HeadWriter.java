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
     * Starts a head at {@code offset}; the fixed part common to both heads ({@link
     * HttpHeadDescriptor#RESPONSE_FIXED_LENGTH} bytes) is zeroed and skipped. A request head's
     * {@link #requestFixed} then skips the rest of its own.
     */
    public HeadWriter wrap(final ByteBuffer buffer, final int offset)
    {
        this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.start = offset;
        zero(offset, HttpHeadDescriptor.RESPONSE_FIXED_LENGTH);
        this.position = offset + HttpHeadDescriptor.RESPONSE_FIXED_LENGTH;
        return this;
    }

    /**
     * Writes a request head's fixed part, with no remote address ({@link HttpHeadDescriptor#ADDRESS_FAMILY_NONE})
     * until {@link #remoteAddress} gives one. Call it before the strings.
     */
    public HeadWriter requestFixed(final int versionMinor, final int flags, final int headerCount, final long contentLength)
    {
        checkCount(headerCount);
        buffer.put(start + HttpHeadDescriptor.VERSION_MINOR_OFFSET, (byte)versionMinor);
        buffer.put(start + HttpHeadDescriptor.FLAGS_OFFSET, (byte)flags);
        buffer.putShort(start + HttpHeadDescriptor.REQUEST_HEADER_COUNT_OFFSET, (short)headerCount);
        buffer.putLong(start + HttpHeadDescriptor.CONTENT_LENGTH_OFFSET, contentLength);
        zero(start + HttpHeadDescriptor.REMOTE_ADDRESS_OFFSET, 2 * HttpHeadDescriptor.REMOTE_ADDRESS_LENGTH);
        position = start + HttpHeadDescriptor.REQUEST_FIXED_LENGTH;
        return this;
    }

    /**
     * Writes the request's client address (no port) into the fixed part written by {@link #requestFixed}.
     *
     * @param family  {@link HttpHeadDescriptor#ADDRESS_FAMILY_IPV4} or {@code _IPV6}.
     * @param address 16 bytes in network order; an IPv4 address IPv4-mapped.
     */
    public HeadWriter clientAddress(final int family, final byte[] address)
    {
        checkAddress(family, address, 0);
        buffer.put(start + HttpHeadDescriptor.CLIENT_FAMILY_OFFSET, (byte)family);
        buffer.put(start + HttpHeadDescriptor.CLIENT_ADDRESS_OFFSET, address, 0, address.length);
        return this;
    }

    /**
     * Writes the request's remote address into the fixed part written by {@link #requestFixed}.
     *
     * @param family  {@link HttpHeadDescriptor#ADDRESS_FAMILY_IPV4} or {@code _IPV6}.
     * @param address 16 bytes in network order; an IPv4 address IPv4-mapped.
     * @param port    0-65535.
     */
    public HeadWriter remoteAddress(final int family, final byte[] address, final int port)
    {
        checkAddress(family, address, port);
        buffer.putShort(start + HttpHeadDescriptor.REMOTE_PORT_OFFSET, (short)port);
        buffer.put(start + HttpHeadDescriptor.ADDRESS_FAMILY_OFFSET, (byte)family);
        buffer.put(start + HttpHeadDescriptor.REMOTE_ADDRESS_OFFSET, address, 0, address.length);
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
     * Appends a string given as bytes of an array.
     */
    public HeadWriter putBytes(final byte[] source, final int offset, final int length)
    {
        checkLength(length);
        buffer.putShort(position, (short)length);
        buffer.put(position + Short.BYTES, source, offset, length);
        position += Short.BYTES + length;
        return this;
    }

    /**
     * Appends one string made of a range of another buffer (a parsed field value), then {@code separator}, then
     * {@code suffix}: a field value with one more list element, written without assembling it first.
     */
    public HeadWriter putJoined(
        final ByteBuffer source, final int offset, final int length, final byte[] separator, final byte[] suffix)
    {
        final int total = length + separator.length + suffix.length;
        checkLength(total);
        buffer.putShort(position, (short)total);
        int at = position + Short.BYTES;
        buffer.put(at, source, offset, length);
        at += length;
        buffer.put(at, separator, 0, separator.length);
        at += separator.length;
        buffer.put(at, suffix, 0, suffix.length);
        position = at + suffix.length;
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

    private static void checkAddress(final int family, final byte[] address, final int port)
    {
        if ((family != HttpHeadDescriptor.ADDRESS_FAMILY_IPV4 && family != HttpHeadDescriptor.ADDRESS_FAMILY_IPV6) ||
            address.length != HttpHeadDescriptor.REMOTE_ADDRESS_LENGTH || port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException(
                "family=" + family + ", address length=" + address.length + ", port=" + port);
        }
    }

    private void zero(final int from, final int length)
    {
        for (int i = 0; i < length; i += Long.BYTES)
        {
            buffer.putLong(from + i, 0);
        }
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
