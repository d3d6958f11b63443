package io.switchboard.ipc.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@link SharedBuffer} of JDK 17 to 21 (and of any JVM told {@code -Dswitchboard.native=jna}): a
 * {@link ByteBuffer}, direct over the mapping or native memory, or a heap one, read and written through
 * {@link MethodHandles#byteBufferViewVarHandle} var handles, whose access modes are the same hardware atomics
 * FFM's var handles use. A {@code ByteBuffer} is indexed by {@code int}, so one buffer holds less than 2 GiB; the
 * mapping says which options lower a segment that is larger.
 * <p>
 * The {@code long} indices of the contract are narrowed with a check, so that an index beyond 2 GiB throws rather
 * than wraps round to a valid one.
 */
public final class ByteBufferSharedBuffer extends SharedBuffer
{
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_BE = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final ByteBuffer buffer;
    private final long address;
    private final int capacity;

    /**
     * @param buffer  the bytes from its position to its limit (it is sliced: later moves of its position do not matter).
     * @param address the native address of the buffer's position, or 0 for a heap buffer.
     */
    public ByteBufferSharedBuffer(final ByteBuffer buffer, final long address)
    {
        this.buffer = buffer.slice();
        this.address = address;
        this.capacity = this.buffer.capacity();
    }

    /**
     * @return the buffer this one reads, position 0, limit its capacity.
     */
    public ByteBuffer byteBuffer()
    {
        return buffer;
    }

    private static int index(final long index)
    {
        final int narrowed = (int)index;
        if (narrowed != index)
        {
            throw new IndexOutOfBoundsException("index=" + index + " beyond what a ByteBuffer addresses");
        }
        return narrowed;
    }

    private static ByteBuffer of(final SharedBuffer other)
    {
        return ((ByteBufferSharedBuffer)other).buffer;
    }

    public long capacity()
    {
        return capacity;
    }

    public long address()
    {
        return address;
    }

    public byte getByte(final long index)
    {
        return buffer.get(index(index));
    }

    public void putByte(final long index, final byte value)
    {
        buffer.put(index(index), value);
    }

    public short getShort(final long index)
    {
        return (short)SHORT.get(buffer, index(index));
    }

    public void putShort(final long index, final short value)
    {
        SHORT.set(buffer, index(index), value);
    }

    public int getInt(final long index)
    {
        return (int)INT.get(buffer, index(index));
    }

    public void putInt(final long index, final int value)
    {
        INT.set(buffer, index(index), value);
    }

    public long getLong(final long index)
    {
        return (long)LONG.get(buffer, index(index));
    }

    public void putLong(final long index, final long value)
    {
        LONG.set(buffer, index(index), value);
    }

    public short getShortBigEndian(final long index)
    {
        return (short)SHORT_BE.get(buffer, index(index));
    }

    public void putShortBigEndian(final long index, final short value)
    {
        SHORT_BE.set(buffer, index(index), value);
    }

    public int getIntBigEndian(final long index)
    {
        return (int)INT_BE.get(buffer, index(index));
    }

    public void putIntBigEndian(final long index, final int value)
    {
        INT_BE.set(buffer, index(index), value);
    }

    public long getLongBigEndian(final long index)
    {
        return (long)LONG_BE.get(buffer, index(index));
    }

    public void putLongBigEndian(final long index, final long value)
    {
        LONG_BE.set(buffer, index(index), value);
    }

    public int getIntVolatile(final long index)
    {
        return (int)INT.getVolatile(buffer, index(index));
    }

    public int getIntAcquire(final long index)
    {
        return (int)INT.getAcquire(buffer, index(index));
    }

    public void putIntRelease(final long index, final int value)
    {
        INT.setRelease(buffer, index(index), value);
    }

    public void putIntVolatile(final long index, final int value)
    {
        INT.setVolatile(buffer, index(index), value);
    }

    public boolean compareAndSetInt(final long index, final int expected, final int value)
    {
        return INT.compareAndSet(buffer, index(index), expected, value);
    }

    public int getAndAddInt(final long index, final int delta)
    {
        return (int)INT.getAndAdd(buffer, index(index), delta);
    }

    public long getLongVolatile(final long index)
    {
        return (long)LONG.getVolatile(buffer, index(index));
    }

    public long getLongAcquire(final long index)
    {
        return (long)LONG.getAcquire(buffer, index(index));
    }

    public void putLongRelease(final long index, final long value)
    {
        LONG.setRelease(buffer, index(index), value);
    }

    public void putLongVolatile(final long index, final long value)
    {
        LONG.setVolatile(buffer, index(index), value);
    }

    public boolean compareAndSetLong(final long index, final long expected, final long value)
    {
        return LONG.compareAndSet(buffer, index(index), expected, value);
    }

    public long getAndAddLong(final long index, final long delta)
    {
        return (long)LONG.getAndAdd(buffer, index(index), delta);
    }

    public long getAndSetLong(final long index, final long value)
    {
        return (long)LONG.getAndSet(buffer, index(index), value);
    }

    public long getAndBitwiseOrLong(final long index, final long bits)
    {
        return (long)LONG.getAndBitwiseOr(buffer, index(index), bits);
    }

    public void getBytes(final long index, final byte[] destination, final int destinationIndex, final int length)
    {
        buffer.get(index(index), destination, destinationIndex, length);
    }

    public void putBytes(final long index, final byte[] source, final int sourceIndex, final int length)
    {
        buffer.put(index(index), source, sourceIndex, length);
    }

    public void getBytes(final long index, final ByteBuffer destination, final int destinationIndex, final int length)
    {
        destination.put(destinationIndex, buffer, index(index), length);
    }

    public void putBytes(final long index, final ByteBuffer source, final int sourceIndex, final int length)
    {
        buffer.put(index(index), source, sourceIndex, length);
    }

    public void getBytes(final long index, final SharedBuffer destination, final long destinationIndex, final int length)
    {
        of(destination).put(index(destinationIndex), buffer, index(index), length);
    }

    public void setMemory(final long index, final long length, final byte value)
    {
        final int from = index(index);
        final int to = index(index + length);
        if (from < 0 || to > capacity || from > to)
        {
            throw new IndexOutOfBoundsException("index=" + index + " length=" + length + " capacity=" + capacity);
        }
        for (int i = from; i < to; i++)
        {
            buffer.put(i, value);
        }
    }

    public ByteBuffer byteBuffer(final long index, final int length)
    {
        return buffer.slice(index(index), length);
    }

    public SharedBuffer slice(final long index, final long length)
    {
        final int from = index(index);
        final ByteBufferSharedBuffer slice =
            new ByteBufferSharedBuffer(buffer.slice(from, index(length)), address == 0 ? 0 : address + from);
        return slice;
    }

    public String toString()
    {
        return "ByteBufferSharedBuffer(capacity=" + capacity + ", address=0x" + Long.toHexString(address) +
            (buffer.isDirect() ? "" : ", heap") + ")";
    }
}
