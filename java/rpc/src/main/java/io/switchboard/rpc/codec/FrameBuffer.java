package io.switchboard.rpc.codec;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array one frame is encoded into: the header's room is reserved, the payload streamed after it by
 * the CBOR generator, then the header written in place. Refuses to grow past the session's max frame length, so an
 * oversize value fails while it is being encoded, not after it was buffered whole. Not thread-safe.
 */
public final class FrameBuffer extends OutputStream
{
    private final int initialCapacity;
    private final int maxLength;
    private byte[] array;
    private int length;

    public FrameBuffer(final int initialCapacity, final int maxLength)
    {
        this.initialCapacity = Math.min(initialCapacity, maxLength);
        this.maxLength = maxLength;
        this.array = new byte[this.initialCapacity];
    }

    public byte[] array()
    {
        return array;
    }

    public int length()
    {
        return length;
    }

    public int capacity()
    {
        return array.length;
    }

    /**
     * Starts a frame: the first {@code headerLength} bytes are left for the caller to fill in place.
     */
    public void reset(final int headerLength)
    {
        length = headerLength;
    }

    /**
     * Drops a buffer grown by a large frame, so one large value does not pin its memory for the session's life.
     */
    public void shrink()
    {
        if (array.length > initialCapacity)
        {
            array = new byte[initialCapacity];
        }
    }

    @Override
    public void write(final int b)
    {
        ensure(1);
        array[length++] = (byte)b;
    }

    @Override
    public void write(final byte[] bytes, final int offset, final int count)
    {
        ensure(count);
        System.arraycopy(bytes, offset, array, length, count);
        length += count;
    }

    private void ensure(final int count)
    {
        final long needed = (long)length + count;
        if (needed > array.length)
        {
            if (needed > maxLength)
            {
                throw new FrameTooLongException(needed, maxLength);
            }
            array = Arrays.copyOf(array, (int)Math.min(maxLength, Math.max(needed, 2L * array.length)));
        }
    }

    /**
     * An outgoing frame would be longer than the session allows.
     */
    public static final class FrameTooLongException extends RuntimeException
    {
        public FrameTooLongException(final long length, final int maxLength)
        {
            super("frame of at least " + length + " bytes, over the session's max frame length of " + maxLength);
        }
    }
}
