package io.switchboard.ipc.segment;

import io.switchboard.ipc.SharedMemory;

/**
 * Layout of the segment header, at offset 0 of the segment. Written once by the
 * CM when it creates the segment (the magic last, with a release store, so that
 * whoever reads the magic reads everything before it), then read-only but for
 * the CM's heartbeat.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "SWBOARD1" (64 bits)                |  0
 *  +---------------------------------------------------------------+
 *  |                        Layout version                         |  8
 *  +---------------------------------------------------------------+
 *  |                         Header length                         |  12
 *  +---------------------------------------------------------------+
 *  |                      Segment length (64 bits)                 |  16
 *  +---------------------------------------------------------------+
 *  |                       Worker slot count                       |  24
 *  +---------------------------------------------------------------+
 *  |                       Worker slot length                      |  28
 *  +---------------------------------------------------------------+
 *  |                      Channel slot count                       |  32
 *  +---------------------------------------------------------------+
 *  |                      Channel slot length                      |  36
 *  +---------------------------------------------------------------+
 *  |                  Ring capacity (data bytes)                   |  40
 *  +---------------------------------------------------------------+
 *  |                       CM doorbell count                       |  44
 *  +---------------------------------------------------------------+
 *  |                        Doorbell length                        |  48
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |  52
 *  +---------------------------------------------------------------+
 *  |                  CM doorbells offset (64 bits)                |  56
 *  |                  Worker slots offset (64 bits)                |  64
 *  |                  Channel slots offset (64 bits)               |  72
 *  |                  Rings offset (64 bits)                       |  80
 *  +---------------------------------------------------------------+
 *  |                            CM pid                             |  88
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |  92
 *  +---------------------------------------------------------------+
 *  |          CM start time (64 bits, clock ticks since boot)      |  96
 *  |          Instance epoch (64 bits, random per CM start)         |  104
 *  +---------------------------------------------------------------+
 *  |                     Reserved to 128 bytes                    ...  112
 *  +---------------------------------------------------------------+
 *  |     CM heartbeat (64 bits, CLOCK_MONOTONIC ns), own 128 bytes  |  128
 *  +---------------------------------------------------------------+
 *                                                                     256
 * </pre>
 */
public final class SegmentHeaderDescriptor
{
    /** "SWBOARD1" read as a little-endian long. */
    public static final long MAGIC = 0x314452414F425753L;

    /**
     * Bump on any change of any region's layout, the encodings of the frames the rings carry included
     * ({@code HttpHeadDescriptor}, {@code RpcChannelFrameType}): a mismatch is refused at attach. 2: the header
     * lost the 128 bytes of the channel free list, which moved into the CM's heap ({@link ChannelFreeList}).
     * 3: REQUEST_HEAD carries the remote address and port and the client address (32 bytes more in its fixed
     * part), and a worker slot holds the worker's Java runtime version
     * ({@link WorkerSlotDescriptor#RUNTIME_VERSION_OFFSET}).
     */
    public static final int LAYOUT_VERSION = 3;

    public static final int MAGIC_OFFSET = 0;
    public static final int LAYOUT_VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int SEGMENT_LENGTH_OFFSET = 16;
    public static final int WORKER_SLOT_COUNT_OFFSET = 24;
    public static final int WORKER_SLOT_LENGTH_OFFSET = 28;
    public static final int CHANNEL_SLOT_COUNT_OFFSET = 32;
    public static final int CHANNEL_SLOT_LENGTH_OFFSET = 36;
    public static final int RING_CAPACITY_OFFSET = 40;
    public static final int CM_DOORBELL_COUNT_OFFSET = 44;
    public static final int DOORBELL_LENGTH_OFFSET = 48;
    public static final int CM_DOORBELLS_OFFSET_OFFSET = 56;
    public static final int WORKER_SLOTS_OFFSET_OFFSET = 64;
    public static final int CHANNEL_SLOTS_OFFSET_OFFSET = 72;
    public static final int RINGS_OFFSET_OFFSET = 80;
    public static final int CM_PID_OFFSET = 88;
    public static final int CM_START_TIME_OFFSET = 96;
    public static final int INSTANCE_EPOCH_OFFSET = 104;
    public static final int CM_HEARTBEAT_OFFSET = SharedMemory.PADDED_LENGTH;
    public static final int LENGTH = 2 * SharedMemory.PADDED_LENGTH;

    private SegmentHeaderDescriptor()
    {
    }
}
