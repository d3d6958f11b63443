package io.switchboard.ipc.doorbell;

import io.switchboard.ipc.SharedMemory;

/**
 * Layout of a doorbell: an eventcount its consumer sleeps on, then one bit per
 * channel of the segment, set by a producer that published to that channel.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Event count (64 bits, see EventCount)          |  0
 *  +---------------------------------------------------------------+
 *  |                 Padding to 128 bytes                          ...
 *  +---------------------------------------------------------------+
 *  |                 Ready bits, channels 0-63 (64 bits)            |  128
 *  +---------------------------------------------------------------+
 *  |                 Ready bits, channels 64-127 ...               ...
 *  +---------------------------------------------------------------+
 *  |                 Padding to a multiple of 64 bytes             ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Bit {@code i % 64} of word {@code i / 64} is channel slot {@code i}.
 */
public final class DoorbellDescriptor
{
    public static final int EVENT_COUNT_OFFSET = 0;
    public static final int BITMAP_OFFSET = SharedMemory.PADDED_LENGTH;

    private DoorbellDescriptor()
    {
    }

    /**
     * @return the number of 64-bit words holding the bits of {@code channelCount} channels.
     */
    public static int bitmapWordCount(final int channelCount)
    {
        return (channelCount + Long.SIZE - 1) / Long.SIZE;
    }

    /**
     * @return the bytes a doorbell for {@code channelCount} channels occupies, a multiple of 64.
     */
    public static int length(final int channelCount)
    {
        return BITMAP_OFFSET + SharedMemory.align(bitmapWordCount(channelCount) * Long.BYTES, SharedMemory.CACHE_LINE_LENGTH);
    }

    /**
     * @return offset within the doorbell of the word holding channel {@code channelIndex}'s bit.
     */
    public static long wordOffset(final int channelIndex)
    {
        return BITMAP_OFFSET + (long)(channelIndex >>> 6) * Long.BYTES;
    }
}
