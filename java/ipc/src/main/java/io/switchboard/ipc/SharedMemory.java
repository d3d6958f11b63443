package io.switchboard.ipc;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * Sizes and alignment helpers shared by every region of the segment. Every
 * region is read and written through a {@link SharedBuffer}: little-endian
 * whatever the host (the layout says so), aligned so that the atomic access
 * modes are hardware atomics that hold across processes.
 */
public final class SharedMemory
{
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
     * @throws IllegalArgumentException unless the buffer's address plus offset is a multiple of alignment.
     */
    public static void checkAligned(final SharedBuffer memory, final long offset, final int alignment)
    {
        memory.checkAligned(offset, alignment);
    }
}
