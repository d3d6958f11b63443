package io.switchboard.ipc.ffm;

import io.switchboard.ipc.memory.SharedBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@link SharedBuffer} of JDK 22 and newer: a {@link MemorySegment}, the mapping (bound to a shared arena, so
 * that an access after unmapping fails) or a heap or buffer segment. Plain accesses use the unaligned layouts
 * (the contract allows any alignment), ordered ones the aligned var handles, which are hardware atomics.
 */
public final class SegmentSharedBuffer extends SharedBuffer
{
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_HANDLE = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle LONG_HANDLE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment segment;

    public SegmentSharedBuffer(final MemorySegment segment)
    {
        this.segment = segment;
    }

    /**
     * @return the segment this buffer reads.
     */
    public MemorySegment segment()
    {
        return segment;
    }

    private static MemorySegment of(final SharedBuffer other)
    {
        return ((SegmentSharedBuffer)other).segment;
    }

    public long capacity()
    {
        return segment.byteSize();
    }

    public long address()
    {
        return segment.isNative() ? segment.address() : 0;
    }

    public byte getByte(final long index)
    {
        return segment.get(ValueLayout.JAVA_BYTE, index);
    }

    public void putByte(final long index, final byte value)
    {
        segment.set(ValueLayout.JAVA_BYTE, index, value);
    }

    public short getShort(final long index)
    {
        return segment.get(SHORT, index);
    }

    public void putShort(final long index, final short value)
    {
        segment.set(SHORT, index, value);
    }

    public int getInt(final long index)
    {
        return segment.get(INT, index);
    }

    public void putInt(final long index, final int value)
    {
        segment.set(INT, index, value);
    }

    public long getLong(final long index)
    {
        return segment.get(LONG, index);
    }

    public void putLong(final long index, final long value)
    {
        segment.set(LONG, index, value);
    }

    public short getShortBigEndian(final long index)
    {
        return segment.get(SHORT_BE, index);
    }

    public void putShortBigEndian(final long index, final short value)
    {
        segment.set(SHORT_BE, index, value);
    }

    public int getIntBigEndian(final long index)
    {
        return segment.get(INT_BE, index);
    }

    public void putIntBigEndian(final long index, final int value)
    {
        segment.set(INT_BE, index, value);
    }

    public long getLongBigEndian(final long index)
    {
        return segment.get(LONG_BE, index);
    }

    public void putLongBigEndian(final long index, final long value)
    {
        segment.set(LONG_BE, index, value);
    }

    public int getIntVolatile(final long index)
    {
        return (int)INT_HANDLE.getVolatile(segment, index);
    }

    public int getIntAcquire(final long index)
    {
        return (int)INT_HANDLE.getAcquire(segment, index);
    }

    public void putIntRelease(final long index, final int value)
    {
        INT_HANDLE.setRelease(segment, index, value);
    }

    public void putIntVolatile(final long index, final int value)
    {
        INT_HANDLE.setVolatile(segment, index, value);
    }

    public boolean compareAndSetInt(final long index, final int expected, final int value)
    {
        return INT_HANDLE.compareAndSet(segment, index, expected, value);
    }

    public int getAndAddInt(final long index, final int delta)
    {
        return (int)INT_HANDLE.getAndAdd(segment, index, delta);
    }

    public long getLongVolatile(final long index)
    {
        return (long)LONG_HANDLE.getVolatile(segment, index);
    }

    public long getLongAcquire(final long index)
    {
        return (long)LONG_HANDLE.getAcquire(segment, index);
    }

    public void putLongRelease(final long index, final long value)
    {
        LONG_HANDLE.setRelease(segment, index, value);
    }

    public void putLongVolatile(final long index, final long value)
    {
        LONG_HANDLE.setVolatile(segment, index, value);
    }

    public boolean compareAndSetLong(final long index, final long expected, final long value)
    {
        return LONG_HANDLE.compareAndSet(segment, index, expected, value);
    }

    public long getAndAddLong(final long index, final long delta)
    {
        return (long)LONG_HANDLE.getAndAdd(segment, index, delta);
    }

    public long getAndSetLong(final long index, final long value)
    {
        return (long)LONG_HANDLE.getAndSet(segment, index, value);
    }

    public long getAndBitwiseOrLong(final long index, final long bits)
    {
        return (long)LONG_HANDLE.getAndBitwiseOr(segment, index, bits);
    }

    public void getBytes(final long index, final byte[] destination, final int destinationIndex, final int length)
    {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, index, destination, destinationIndex, length);
    }

    public void putBytes(final long index, final byte[] source, final int sourceIndex, final int length)
    {
        MemorySegment.copy(source, sourceIndex, segment, ValueLayout.JAVA_BYTE, index, length);
    }

    public void getBytes(final long index, final ByteBuffer destination, final int destinationIndex, final int length)
    {
        MemorySegment.copy(segment, index, MemorySegment.ofBuffer(destination.duplicate().clear()), destinationIndex, length);
    }

    public void putBytes(final long index, final ByteBuffer source, final int sourceIndex, final int length)
    {
        MemorySegment.copy(MemorySegment.ofBuffer(source.duplicate().clear()), sourceIndex, segment, index, length);
    }

    public void getBytes(final long index, final SharedBuffer destination, final long destinationIndex, final int length)
    {
        MemorySegment.copy(segment, index, of(destination), destinationIndex, length);
    }

    public void setMemory(final long index, final long length, final byte value)
    {
        segment.asSlice(index, length).fill(value);
    }

    public ByteBuffer byteBuffer(final long index, final int length)
    {
        return segment.asSlice(index, length).asByteBuffer();
    }

    public SharedBuffer slice(final long index, final long length)
    {
        return new SegmentSharedBuffer(segment.asSlice(index, length));
    }

    public String toString()
    {
        return "SegmentSharedBuffer(" + segment + ")";
    }
}
