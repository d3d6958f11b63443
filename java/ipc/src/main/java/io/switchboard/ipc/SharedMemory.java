package io.switchboard.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The value layouts and var handles through which every region of the segment
 * is read and written: little-endian whatever the host (the layout says so),
 * aligned so that the atomic access modes are hardware atomics that hold
 * across processes.
 * <p>
 * The var handles take {@code (MemorySegment, long offset)}; pass the offset as
 * a {@code long} so that no conversion happens on the hot path.
 */
public final class SharedMemory
{
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static final VarHandle INT_HANDLE = INT.varHandle();
    public static final VarHandle LONG_HANDLE = LONG.varHandle();

    /** Size of a cache line on every machine we run on. */
    public static final int CACHE_LINE_LENGTH = 64;

    /**
     * Two cache lines: a hot counter gets a block of this size to itself, so that
     * the adjacent-line prefetcher does not drag a neighbour's line along.
     */
    public static final int PADDED_LENGTH = 2 * CACHE_LINE_LENGTH;

    private SharedMemory()
    {
    }

    /**
     * @return {@code value} rounded up to a multiple of {@code alignment} (a power of two).
     */
    public static long align(final long value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * @return {@code value} rounded up to a multiple of {@code alignment} (a power of two).
     */
    public static int align(final int value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * @throws IllegalArgumentException unless the segment's address plus offset is a multiple of alignment.
     */
    public static void checkAligned(final MemorySegment memory, final long offset, final int alignment)
    {
        final long address = memory.address() + offset;
        if ((address & (alignment - 1)) != 0)
        {
            throw new IllegalArgumentException(
                "misaligned: address=0x" + Long.toHexString(address) + " alignment=" + alignment);
        }
    }
}
