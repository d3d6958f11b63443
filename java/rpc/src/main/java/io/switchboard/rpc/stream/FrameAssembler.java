package io.switchboard.rpc.stream;

import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteOrder;

/**
 * Cuts one direction of a session's byte stream, arriving in pieces of any size, into whole frames for a
 * {@link FrameHandler}.
 * <p>
 * From a {@code byte[]}, frames that lie whole in the piece are handed over in place, without a copy; only a frame
 * split across pieces is gathered. From a {@link SharedBuffer} (ring memory on a worker) every frame is copied
 * once, into the gathering buffer.
 * <p>
 * The buffer starts small and grows with the bytes that actually arrived, doubling, never past the length the
 * frame declares: a header declaring 16 MiB costs nothing until the bytes come. Growth beyond the initial buffer is
 * taken from an {@link AssemblyBudget}, and given back once no frame is partly gathered. Segment input is taken a
 * piece at a time or not at all: {@link #onBytes(SharedBuffer, long, int)} returns false, having taken nothing,
 * when the budget cannot cover the piece now, and the caller keeps the bytes (in its ring) until the budget is given
 * back.
 * <p>
 * A length field over the maximum, under the smallest header, or over what the budget could ever grant is reported
 * once to {@link FrameHandler#onMalformedStream}; everything after it is dropped. Not thread-safe: one reader thread.
 */
public final class FrameAssembler
{
    public static final int DEFAULT_INITIAL_CAPACITY = 16 * 1024;

    private static final int LENGTH_BYTES = RpcFrame.LENGTH_FIELD_LENGTH;

    private final FrameHandler handler;
    private final int maxFrameLength;
    private final AssemblyBudget budget;
    /** Kept for the whole life of the assembler, and gathered into again whenever no frame needs more. */
    private final byte[] initialBuffer;
    private byte[] buffer;
    /** Bytes of the current frame gathered so far, length field included. */
    private int gathered;
    /** Whole length of the frame being gathered, once its length field is complete; else 0. */
    private int frameLength;
    /** Set by {@link #capacityFor}: the whole length of the frame the piece leaves partly gathered, or 0. */
    private int scannedWhole;
    private boolean failed;

    public FrameAssembler(final int maxFrameLength, final FrameHandler handler)
    {
        this(maxFrameLength, DEFAULT_INITIAL_CAPACITY, handler, AssemblyBudget.UNLIMITED);
    }

    public FrameAssembler(final int maxFrameLength, final int initialCapacity, final FrameHandler handler)
    {
        this(maxFrameLength, initialCapacity, handler, AssemblyBudget.UNLIMITED);
    }

    /**
     * @param budget what the buffer may grow by beyond {@code initialCapacity}.
     */
    public FrameAssembler(
        final int maxFrameLength, final int initialCapacity, final FrameHandler handler, final AssemblyBudget budget)
    {
        if (maxFrameLength < RpcFrame.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("maxFrameLength=" + maxFrameLength + " < header length " +
                RpcFrame.HEADER_LENGTH);
        }
        this.handler = handler;
        this.maxFrameLength = maxFrameLength;
        this.budget = budget;
        this.initialBuffer = new byte[Math.max(RpcFrame.HEADER_LENGTH, Math.min(initialCapacity, maxFrameLength))];
        this.buffer = initialBuffer;
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
     * Takes {@code length} stream bytes at {@code offset} of {@code source}, whole: byte-array input cannot be left
     * with the caller, so its growth must be granted ({@link AssemblyBudget#UNLIMITED}, as a client has).
     *
     * @throws IllegalStateException when the budget refuses the growth this input needs.
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
        releaseIfIdle();
    }

    /**
     * Takes {@code length} stream bytes at {@code offset} of {@code source}, copying each frame once, if the buffer
     * can hold what the piece needs, grown within the budget if it must.
     *
     * @return true when the piece was taken (or dropped after a malformed stream); false when the budget cannot
     * cover it now: nothing was taken, and the caller offers the same piece again once budget was given back.
     */
    public boolean onBytes(final SharedBuffer source, final long offset, final int length)
    {
        if (failed)
        {
            return true;
        }
        final int needed = capacityFor(source, offset, length);
        if (needed > buffer.length && !grow(needed, scannedWhole))
        {
            return false;
        }
        long index = offset;
        final long end = offset + length;
        while (index < end && !failed)
        {
            if (gathered == 0 && end - index >= LENGTH_BYTES)
            {
                final int whole = checkedLength(source.getIntBigEndian(index));
                if (whole < 0)
                {
                    return true;
                }
                final int step = (int)Math.min(whole, end - index);
                source.getBytes(index, buffer, 0, step);
                gathered = step;
                frameLength = whole;
                index += step;
                deliverIfWhole();
                continue;
            }
            final int step = (int)Math.min(end - index, frameLength == 0 ? LENGTH_BYTES - gathered :
                frameLength - gathered);
            source.getBytes(index, buffer, gathered, step);
            index += step;
            advance(step);
        }
        releaseIfIdle();
        return true;
    }

    /**
     * The stream is over (the session ended): gives back what the budget granted. Nothing is taken after.
     */
    public void close()
    {
        failed = true;
        gathered = 0;
        frameLength = 0;
        releaseIfIdle();
    }

    /**
     * Follows the frames of a segment piece as {@link #onBytes(SharedBuffer, long, int)} will copy them: the
     * frame continued from the last piece first, then each frame from the buffer's start.
     *
     * @return the buffer capacity the piece needs; scanning stops at a length field that will be reported malformed.
     */
    private int capacityFor(final SharedBuffer source, final long offset, final int length)
    {
        final long end = offset + length;
        long index = offset;
        int needed = 0;
        scannedWhole = 0;
        if (gathered > 0)
        {
            int whole = frameLength;
            if (whole == 0)
            {
                // the last piece ended inside the length field, whose first bytes are in the buffer
                final int missing = LENGTH_BYTES - gathered;
                if (length < missing)
                {
                    return gathered + length;
                }
                long field = 0;
                for (int i = 0; i < LENGTH_BYTES; i++)
                {
                    final int b = i < gathered ? buffer[i] : source.getByte(index + i - gathered);
                    field = (field << 8) | (b & 0xFF);
                }
                whole = wholeLength(field);
                if (whole < 0)
                {
                    return LENGTH_BYTES;
                }
            }
            final long step = Math.min(whole - gathered, length);
            needed = (int)(gathered + step);
            index += step;
            if (needed < whole)
            {
                scannedWhole = whole;
                return needed;
            }
        }
        while (end - index >= LENGTH_BYTES)
        {
            final int whole = wholeLength(source.getIntBigEndian(index));
            if (whole < 0)
            {
                return needed;
            }
            final int step = (int)Math.min(whole, end - index);
            needed = Math.max(needed, step);
            index += step;
            if (step < whole)
            {
                scannedWhole = whole;
            }
        }
        return Math.max(needed, (int)(end - index));
    }

    private int gather(final byte[] source, final int index, final int available)
    {
        final int step = Math.min(available, frameLength == 0 ? LENGTH_BYTES - gathered : frameLength - gathered);
        if (gathered + step > buffer.length && !grow(gathered + step, frameLength))
        {
            throw new IllegalStateException("byte-array input needs a buffer of " + (gathered + step) +
                " bytes for a frame of " + frameLength + ", which the budget refused");
        }
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
        }
    }

    /**
     * Grows the buffer to at least {@code required} bytes: doubling, as far as the frame being gathered declares,
     * or, if the budget refuses that, to {@code required} alone.
     *
     * @param whole the declared length of the frame that will be left partly gathered, or 0.
     * @return false when the budget refused: the buffer is unchanged.
     */
    private boolean grow(final int required, final int whole)
    {
        final int doubled = (int)Math.min(2L * buffer.length, Math.max(whole, required));
        final int capacity = Math.max(required, doubled);
        if (budget.tryGrow(capacity - buffer.length, Math.max(0, whole - capacity)))
        {
            resize(capacity);
            return true;
        }
        if (capacity > required && budget.tryGrow(required - buffer.length, Math.max(0, whole - required)))
        {
            resize(required);
            return true;
        }
        return false;
    }

    private void resize(final int capacity)
    {
        final byte[] grown = new byte[capacity];
        System.arraycopy(buffer, 0, grown, 0, gathered);
        buffer = grown;
    }

    /**
     * Between frames, a grown buffer goes and its budget with it.
     */
    private void releaseIfIdle()
    {
        if (gathered == 0 && buffer != initialBuffer)
        {
            buffer = initialBuffer;
            budget.releaseAll();
        }
    }

    private static long readLength(final byte[] source, final int index)
    {
        return ((source[index] & 0xFFL) << 24) | ((source[index + 1] & 0xFF) << 16) |
            ((source[index + 2] & 0xFF) << 8) | (source[index + 3] & 0xFF);
    }

    /**
     * @return the whole frame's length for a length field, or -1 when {@link #checkedLength} will report it.
     */
    private int wholeLength(final long lengthField)
    {
        final long field = lengthField & 0xFFFF_FFFFL;
        final long whole = field + LENGTH_BYTES;
        if (whole > maxFrameLength || field < RpcFrame.MIN_LENGTH_FIELD ||
            whole - initialBuffer.length > budget.limitBytes())
        {
            return -1;
        }
        return (int)whole;
    }

    /**
     * @return the whole frame's length for a length field, or -1 after reporting it malformed.
     */
    private int checkedLength(final long lengthField)
    {
        final long field = lengthField & 0xFFFF_FFFFL;
        final long whole = field + LENGTH_BYTES;
        if (whole > maxFrameLength)
        {
            return fail("frame length " + whole + " over the session's maximum of " + maxFrameLength);
        }
        if (field < RpcFrame.MIN_LENGTH_FIELD)
        {
            return fail("frame length field " + field + " under the smallest header's " + RpcFrame.MIN_LENGTH_FIELD);
        }
        if (whole - initialBuffer.length > budget.limitBytes())
        {
            return fail("frame length " + whole + " over the " + (budget.limitBytes() + initialBuffer.length) +
                " bytes this side can hold for a frame being received");
        }
        return (int)whole;
    }

    private int fail(final String reason)
    {
        failed = true;
        gathered = 0;
        frameLength = 0;
        releaseIfIdle();
        handler.onMalformedStream(reason);
        return -1;
    }
}
