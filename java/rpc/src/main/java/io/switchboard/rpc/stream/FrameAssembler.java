package io.switchboard.rpc.stream;

import io.switchboard.protocol.rpc.RpcFrame;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Cuts one direction of a session's byte stream, arriving in pieces of any size, into whole frames for a
 * {@link FrameHandler}.
 * <p>
 * From a {@code byte[]}, frames that lie whole in the piece are handed over in place, without a copy; only a frame
 * split across pieces is gathered. From a {@link MemorySegment} (ring memory on a worker) every frame is copied
 * once, into the gathering buffer. The buffer starts small, grows up to the frame being gathered (never past the
 * max frame length, checked before growing) and shrinks back once a large frame is delivered.
 * <p>
 * A length field over the maximum or under the smallest header is reported once to
 * {@link FrameHandler#onMalformedStream}; everything after it is dropped. Not thread-safe: one reader thread.
 */
public final class FrameAssembler
{
    public static final int DEFAULT_INITIAL_CAPACITY = 16 * 1024;

    private static final ValueLayout.OfInt LENGTH_FIELD =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int LENGTH_BYTES = RpcFrame.LENGTH_FIELD_LENGTH;

    private final FrameHandler handler;
    private final int maxFrameLength;
    private final int initialCapacity;
    private byte[] buffer;
    /** Bytes of the current frame gathered so far, length field included. */
    private int gathered;
    /** Whole length of the frame being gathered, once its length field is complete; else 0. */
    private int frameLength;
    private boolean failed;

    public FrameAssembler(final int maxFrameLength, final FrameHandler handler)
    {
        this(maxFrameLength, DEFAULT_INITIAL_CAPACITY, handler);
    }

    public FrameAssembler(final int maxFrameLength, final int initialCapacity, final FrameHandler handler)
    {
        if (maxFrameLength < RpcFrame.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("maxFrameLength=" + maxFrameLength + " < header length " +
                RpcFrame.HEADER_LENGTH);
        }
        this.handler = handler;
        this.maxFrameLength = maxFrameLength;
        this.initialCapacity = Math.max(RpcFrame.HEADER_LENGTH, Math.min(initialCapacity, maxFrameLength));
        this.buffer = new byte[this.initialCapacity];
    }

    /**
     * @return whether a malformed stream was reported; nothing is delivered after.
     */
    public boolean isFailed()
    {
        return failed;
    }

    /**
     * @return the gathering buffer's capacity now (for tests of its bound).
     */
    public int bufferCapacity()
    {
        return buffer.length;
    }

    /**
     * Takes {@code length} stream bytes at {@code offset} of {@code source}.
     */
    public void onBytes(final byte[] source, final int offset, final int length)
    {
        int index = offset;
        final int end = offset + length;
        while (index < end && !failed)
        {
            if (gathered == 0 && end - index >= LENGTH_BYTES)
            {
                final int whole = checkedLength(readLength(source, index));
                if (whole < 0)
                {
                    return;
                }
                if (end - index >= whole)
                {
                    handler.onFrame(source, index, whole);
                    index += whole;
                    continue;
                }
            }
            index += gather(source, index, end - index);
        }
    }

    /**
     * Takes {@code length} stream bytes at {@code offset} of {@code source}, copying each frame once.
     */
    public void onBytes(final MemorySegment source, final long offset, final int length)
    {
        long index = offset;
        final long end = offset + length;
        while (index < end && !failed)
        {
            if (gathered == 0 && end - index >= LENGTH_BYTES)
            {
                final int whole = checkedLength(source.get(LENGTH_FIELD, index));
                if (whole < 0)
                {
                    return;
                }
                ensureCapacity(whole);
                final int step = (int)Math.min(whole, end - index);
                MemorySegment.copy(source, ValueLayout.JAVA_BYTE, index, buffer, 0, step);
                gathered = step;
                frameLength = whole;
                index += step;
                deliverIfWhole();
                continue;
            }
            final int step = (int)Math.min(end - index, frameLength == 0 ? LENGTH_BYTES - gathered :
                frameLength - gathered);
            MemorySegment.copy(source, ValueLayout.JAVA_BYTE, index, buffer, gathered, step);
            index += step;
            advance(step);
        }
    }

    private int gather(final byte[] source, final int index, final int available)
    {
        final int step = Math.min(available, frameLength == 0 ? LENGTH_BYTES - gathered : frameLength - gathered);
        System.arraycopy(source, index, buffer, gathered, step);
        advance(step);
        return step;
    }

    private void advance(final int step)
    {
        gathered += step;
        if (frameLength == 0 && gathered == LENGTH_BYTES)
        {
            final int whole = checkedLength(readLength(buffer, 0));
            if (whole < 0)
            {
                return;
            }
            ensureCapacity(whole);
            frameLength = whole;
        }
        deliverIfWhole();
    }

    private void deliverIfWhole()
    {
        if (frameLength != 0 && gathered == frameLength)
        {
            final int length = frameLength;
            gathered = 0;
            frameLength = 0;
            handler.onFrame(buffer, 0, length);
            if (buffer.length > initialCapacity)
            {
                buffer = new byte[initialCapacity];
            }
        }
    }

    private void ensureCapacity(final int whole)
    {
        if (buffer.length < whole)
        {
            final byte[] grown = new byte[whole];
            System.arraycopy(buffer, 0, grown, 0, gathered);
            buffer = grown;
        }
    }

    private static long readLength(final byte[] source, final int index)
    {
        return ((source[index] & 0xFFL) << 24) | ((source[index + 1] & 0xFF) << 16) |
            ((source[index + 2] & 0xFF) << 8) | (source[index + 3] & 0xFF);
    }

    /**
     * @return the whole frame's length for a length field, or -1 after reporting it malformed.
     */
    private int checkedLength(final long lengthField)
    {
        final long field = lengthField & 0xFFFF_FFFFL;
        if (field + LENGTH_BYTES > maxFrameLength)
        {
            return fail("frame length " + (field + LENGTH_BYTES) + " over the session's maximum of " + maxFrameLength);
        }
        if (field < RpcFrame.MIN_LENGTH_FIELD)
        {
            return fail("frame length field " + field + " under the smallest header's " + RpcFrame.MIN_LENGTH_FIELD);
        }
        return (int)field + LENGTH_BYTES;
    }

    private int fail(final String reason)
    {
        failed = true;
        gathered = 0;
        frameLength = 0;
        handler.onMalformedStream(reason);
        return -1;
    }
}
