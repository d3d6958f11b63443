package io.switchboard.ipc.memory;

import io.switchboard.ipc.nativeshim.NativeAccess;

import java.nio.ByteBuffer;

/**
 * A run of bytes that the rings, doorbells, eventcounts and tables of {@code java/ipc} read and write, with the
 * memory order in each method's name: the shared segment mapped by {@link io.switchboard.ipc.segment.SharedSegment},
 * or a plain buffer (an assembled message, a socket buffer) handed to the same code.
 * <pre>
 *   SharedBuffer (abstract, this class)      the ring code calls only this type
 *     |-- ByteBufferSharedBuffer             JDK 17+: a direct ByteBuffer (JNA's view of the mapping) or a heap
 *     |                                      ByteBuffer, accessed through MethodHandles.byteBufferViewVarHandle
 *     '-- SegmentSharedBuffer (java/ipc-ffm) JDK 22+: a MemorySegment, accessed through ValueLayout var handles
 * </pre>
 * One JVM loads exactly one of the two: the {@link NativeAccess} chosen at start makes every buffer
 * ({@link #wrap(byte[])}, {@link #wrap(ByteBuffer)}, the mapping), so the JIT, by class hierarchy analysis, sees
 * every call on this type as monomorphic and inlines it; there is one copy of the ring code, not one per backend.
 * A JVM that makes buffers of both kinds (the tests do) only pays a bimorphic call.
 * <p>
 * Contract, the same on both implementations:
 * <ul>
 *   <li>{@code index} is a byte offset from the start of this buffer, a {@code long}; every access is bounds
 *       checked and an out-of-range one throws {@link IndexOutOfBoundsException}: the peer process may be
 *       hostile, and a wrong index must not read outside the mapping.</li>
 *   <li>Multi-byte values are little-endian, whatever the host (the segment layout says so), except in the
 *       {@code ...BigEndian} methods, which read the network order the protocols use.</li>
 *   <li>Plain accesses ({@link #getInt}, {@link #putLong}...) may be unaligned. Every access with a memory order
 *       in its name ({@code Volatile}, {@code Acquire}, {@code Release}, {@code compareAndSet}, {@code getAndAdd}...)
 *       must be naturally aligned in memory (the address, not just the index), so that it is one hardware atomic that
 *       holds across processes; a misaligned one throws {@link IllegalStateException}. They are meant for native
 *       buffers; a heap buffer may refuse them.</li>
 *   <li>Bulk copies ({@code getBytes}, {@code putBytes}) are plain and have no order; {@link ByteBuffer} arguments
 *       are addressed absolutely, their position and limit untouched.</li>
 * </ul>
 * Not thread-safe in itself: each method is one access, and the memory order it names is what other threads and
 * processes may rely on.
 */
public abstract class SharedBuffer
{
    /**
     * Subclasses live in this module and in {@code java/ipc-ffm}; nobody else should make one.
     */
    protected SharedBuffer()
    {
    }

    /**
     * @return a buffer over {@code array}, of the JVM's one kind.
     */
    public static SharedBuffer wrap(final byte[] array)
    {
        return NativeAccess.current().wrap(array);
    }

    /**
     * @return a buffer over {@code buffer} from its position to its limit, of the JVM's one kind; it shares the bytes.
     */
    public static SharedBuffer wrap(final ByteBuffer buffer)
    {
        return NativeAccess.current().wrap(buffer);
    }

    /**
     * @return zeroed native memory whose first byte is aligned to {@code alignment} (a power of two), freed when the
     * buffer is no longer reachable: for tests and benchmarks, which need atomic access outside a mapping.
     */
    public static SharedBuffer allocateNative(final int length, final int alignment)
    {
        return NativeAccess.current().allocate(length, alignment);
    }

    /**
     * @return bytes in this buffer.
     */
    public abstract long capacity();

    /**
     * @return the native address of byte 0 (what a futex call needs), or 0 for a heap buffer.
     */
    public abstract long address();

    public abstract byte getByte(long index);

    public abstract void putByte(long index, byte value);

    public abstract short getShort(long index);

    public abstract void putShort(long index, short value);

    public abstract int getInt(long index);

    public abstract void putInt(long index, int value);

    public abstract long getLong(long index);

    public abstract void putLong(long index, long value);

    public abstract short getShortBigEndian(long index);

    public abstract void putShortBigEndian(long index, short value);

    public abstract int getIntBigEndian(long index);

    public abstract void putIntBigEndian(long index, int value);

    public abstract long getLongBigEndian(long index);

    public abstract void putLongBigEndian(long index, long value);

    public abstract int getIntVolatile(long index);

    public abstract int getIntAcquire(long index);

    public abstract void putIntRelease(long index, int value);

    public abstract void putIntVolatile(long index, int value);

    public abstract boolean compareAndSetInt(long index, int expected, int value);

    public abstract int getAndAddInt(long index, int delta);

    public abstract long getLongVolatile(long index);

    public abstract long getLongAcquire(long index);

    public abstract void putLongRelease(long index, long value);

    public abstract void putLongVolatile(long index, long value);

    public abstract boolean compareAndSetLong(long index, long expected, long value);

    public abstract long getAndAddLong(long index, long delta);

    public abstract long getAndSetLong(long index, long value);

    public abstract long getAndBitwiseOrLong(long index, long bits);

    /**
     * Copies {@code length} bytes from {@code index} into {@code destination[destinationIndex...]}.
     */
    public abstract void getBytes(long index, byte[] destination, int destinationIndex, int length);

    /**
     * Copies {@code length} bytes of {@code source[sourceIndex...]} to {@code index}.
     */
    public abstract void putBytes(long index, byte[] source, int sourceIndex, int length);

    /**
     * Copies {@code length} bytes from {@code index} into {@code destination} at its absolute {@code destinationIndex}.
     */
    public abstract void getBytes(long index, ByteBuffer destination, int destinationIndex, int length);

    /**
     * Copies {@code length} bytes of {@code source}, from its absolute {@code sourceIndex}, to {@code index}.
     */
    public abstract void putBytes(long index, ByteBuffer source, int sourceIndex, int length);

    /**
     * Copies {@code length} bytes from {@code index} to {@code destination} at {@code destinationIndex}; the two may
     * be the same buffer and the ranges may overlap.
     *
     * @param destination a buffer of this JVM's kind (from {@link #wrap}, or a mapping).
     */
    public abstract void getBytes(long index, SharedBuffer destination, long destinationIndex, int length);

    /**
     * Sets {@code length} bytes from {@code index} to {@code value}.
     */
    public abstract void setMemory(long index, long length, byte value);

    /**
     * @return a new view of {@code [index, index + length)} sharing the bytes: for a socket read or write in place.
     * Allocates: make views once where a path is hot.
     */
    public abstract ByteBuffer byteBuffer(long index, int length);

    /**
     * @return a new buffer over {@code [index, index + length)} of this one, sharing the bytes.
     */
    public abstract SharedBuffer slice(long index, long length);

    /**
     * @return a copy of {@code length} bytes from {@code index}.
     */
    public byte[] toByteArray(final long index, final int length)
    {
        final byte[] bytes = new byte[length];
        getBytes(index, bytes, 0, length);
        return bytes;
    }

    /**
     * @throws IllegalArgumentException unless the address of {@code index} is a multiple of {@code alignment}.
     */
    public void checkAligned(final long index, final int alignment)
    {
        final long address = address() + index;
        if ((address & (alignment - 1)) != 0)
        {
            throw new IllegalArgumentException(
                "misaligned: address=0x" + Long.toHexString(address) + " alignment=" + alignment);
        }
    }
}
