package io.switchboard.cm.observe;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of access-log lines being formatted, reused for every batch: appended to, written out at the end
 * of a batch, cleared. Grows (doubling) only when one batch's lines need more than any batch before; a line
 * is bounded (every field is), so growth stops early.
 * <p>
 * Not thread-safe: the handler thread's.
 */
final class LineBuffer
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DIGITS_MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;

    LineBuffer(final int initialCapacity)
    {
        bytes = new byte[initialCapacity];
    }

    int length()
    {
        return length;
    }

    void clear()
    {
        length = 0;
    }

    /**
     * @return a view of the bytes appended so far, for a channel write; valid until the next append.
     */
    ByteBuffer view()
    {
        return ByteBuffer.wrap(bytes, 0, length);
    }

    byte[] array()
    {
        return bytes;
    }

    LineBuffer append(final byte b)
    {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    LineBuffer append(final char c)
    {
        return append((byte)c);
    }

    /**
     * Appends ASCII text (our own: names, fixed words), one byte per char.
     */
    LineBuffer ascii(final String text)
    {
        final int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++)
        {
            bytes[length++] = (byte)text.charAt(i);
        }
        return this;
    }

    LineBuffer bytes(final byte[] source, final int offset, final int count)
    {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
        return this;
    }

    LineBuffer number(final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            return bytes(DIGITS_MIN_LONG, 0, DIGITS_MIN_LONG.length);
        }
        long v = value;
        if (v < 0)
        {
            append('-');
            v = -v;
        }
        final int digits = digits(v);
        ensure(digits);
        int at = length + digits;
        do
        {
            bytes[--at] = (byte)('0' + (int)(v % 10));
            v /= 10;
        }
        while (v != 0);
        length += digits;
        return this;
    }

    /**
     * Appends {@code value} with at least {@code width} digits, zeros in front.
     */
    LineBuffer padded(final long value, final int width)
    {
        for (int d = digits(value); d < width; d++)
        {
            append('0');
        }
        return number(value);
    }

    /**
     * Two lowercase hex digits of a byte.
     */
    LineBuffer hex(final int b)
    {
        ensure(2);
        bytes[length++] = HEX[(b >> 4) & 0xF];
        bytes[length++] = HEX[b & 0xF];
        return this;
    }

    /**
     * Makes room for {@code more} bytes, once for a whole field, so that the caller may write them straight
     * into {@link #array()} from {@link #length()} on and then {@link #advance} past them.
     */
    void reserve(final int more)
    {
        ensure(more);
    }

    void advance(final int count)
    {
        length += count;
    }

    private static int digits(final long v)
    {
        int digits = 1;
        for (long x = v; x >= 10; x /= 10)
        {
            digits++;
        }
        return digits;
    }

    private void ensure(final int more)
    {
        if (length + more > bytes.length)
        {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
