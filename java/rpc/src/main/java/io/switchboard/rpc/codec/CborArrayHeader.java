package io.switchboard.rpc.codec;

/**
 * Reads the head of a CBOR array (RFC 8949, major type 4) in place, so a CALL's argument count is known, and a
 * wrong count refused as NO_SUCH_METHOD, before any argument is decoded.
 */
public final class CborArrayHeader
{
    /** The array has indefinite length: its count is known only by reading it. */
    public static final long INDEFINITE = -1;
    /** The bytes do not start a CBOR array, or its head runs past the end. */
    public static final long NOT_AN_ARRAY = -2;

    private CborArrayHeader()
    {
    }

    /**
     * @return the element count, {@link #INDEFINITE} or {@link #NOT_AN_ARRAY}.
     */
    public static long count(final byte[] buffer, final int offset, final int end)
    {
        if (offset >= end)
        {
            return NOT_AN_ARRAY;
        }
        final int initial = buffer[offset] & 0xFF;
        if (initial >>> 5 != 4)
        {
            return NOT_AN_ARRAY;
        }
        final int info = initial & 0x1F;
        if (info < 24)
        {
            return info;
        }
        if (info == 31)
        {
            return INDEFINITE;
        }
        if (info > 27)
        {
            return NOT_AN_ARRAY;
        }
        final int bytes = 1 << (info - 24);
        if (offset + 1 + bytes > end)
        {
            return NOT_AN_ARRAY;
        }
        long count = 0;
        for (int i = 1; i <= bytes; i++)
        {
            count = (count << 8) | (buffer[offset + i] & 0xFF);
        }
        // a count past Long.MAX_VALUE is no method's argument count either
        return count < 0 ? Long.MAX_VALUE : count;
    }
}
