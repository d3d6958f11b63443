package io.switchboard.ipc.ring;

import io.switchboard.ipc.SharedMemory;

/**
 * Layout of one single-producer single-consumer ring: a header of three padded
 * counters, then the data area of {@code capacity} bytes (a power of two).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          Tail position (64 bits): written by the producer      |  0
 *  +---------------------------------------------------------------+
 *  |          Padding to 128 bytes                                ...
 *  +---------------------------------------------------------------+
 *  |          Head position (64 bits): written by the consumer      |  128
 *  +---------------------------------------------------------------+
 *  |          Padding to 128 bytes                                ...
 *  +---------------------------------------------------------------+
 *  |          Space event count (64 bits): the producer sleeps on   |  256
 *  |          it when the ring is full, the consumer signals it     |
 *  +---------------------------------------------------------------+
 *  |          Padding to 128 bytes                                ...
 *  +---------------------------------------------------------------+
 *  |          Data: frames (FrameDescriptor), capacity bytes       ...  384
 *  +---------------------------------------------------------------+
 * </pre>
 * Positions are byte counts since the ring was created: they only grow, and
 * {@code position & (capacity - 1)} is the index into the data area. The bytes
 * between head and tail are published frames; the consumer owns none of the
 * rest and the producer all of it.
 */
public final class RingDescriptor
{
    public static final int TAIL_POSITION_OFFSET = 0;
    public static final int HEAD_POSITION_OFFSET = SharedMemory.PADDED_LENGTH;
    public static final int SPACE_EVENT_COUNT_OFFSET = 2 * SharedMemory.PADDED_LENGTH;
    public static final int HEADER_LENGTH = 3 * SharedMemory.PADDED_LENGTH;

    /** Smallest capacity: room for a few frames of a useful size. */
    public static final int MIN_CAPACITY = 1024;

    /** Largest capacity: positions and indices stay well inside an int per ring. */
    public static final int MAX_CAPACITY = 1 << 30;

    private RingDescriptor()
    {
    }

    /**
     * @return the bytes a ring of this capacity occupies: header and data.
     */
    public static long length(final int capacity)
    {
        return (long)HEADER_LENGTH + capacity;
    }

    /**
     * The largest frame a ring carries whole; longer messages travel as
     * fragments. A quarter of the ring keeps several frames in flight, and a
     * 128 KiB ring carries a 16 KiB response body in one frame: one gathering
     * write on the CM instead of one per frame.
     */
    public static int maxFrameLength(final int capacity)
    {
        return capacity / 4;
    }

    /**
     * @throws IllegalArgumentException unless capacity is a power of two within the bounds.
     */
    public static void checkCapacity(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException(
                "ring capacity must be a power of two in [" + MIN_CAPACITY + ", " + MAX_CAPACITY +
                "]: capacity=" + capacity);
        }
    }
}
