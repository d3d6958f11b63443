package io.switchboard.ipc.ring;

import io.switchboard.ipc.SharedMemory;
import io.switchboard.ipc.signal.EventCount;
import io.switchboard.ipc.signal.WakeCondition;

import io.switchboard.ipc.memory.SharedBuffer;

import static io.switchboard.ipc.ring.FrameDescriptor.ALIGNMENT;
import static io.switchboard.ipc.ring.FrameDescriptor.FLAGS_OFFSET;
import static io.switchboard.ipc.ring.FrameDescriptor.HEADER_LENGTH;
import static io.switchboard.ipc.ring.FrameDescriptor.LENGTH_OFFSET;
import static io.switchboard.ipc.ring.FrameDescriptor.PADDING_TYPE;
import static io.switchboard.ipc.ring.FrameDescriptor.TYPE_OFFSET;

/**
 * The consumer's side of a ring (layout in {@link RingDescriptor}): reads the
 * tail with an acquire load, hands every available frame to the handler in
 * place, then releases the space with one release store of the head, in
 * {@code finally} so that a handler's exception gives back what was read.
 * <p>
 * The producer may be another process that is broken or hostile: every
 * position and frame header is checked before it is used, and an impossible
 * one raises {@link RingCorruptedException} instead of reading outside the ring
 * or handing the handler a frame no {@link RingWriter} writes:
 * <ul>
 *   <li>the tail moves only forwards, 8-byte aligned, at most {@code capacity} past the head;</li>
 *   <li>a frame's length covers at least its header, at most {@link RingDescriptor#maxFrameLength}
 *       (padding aside), and neither the published bytes nor the end of the ring;</li>
 *   <li>a padding frame fills the ring exactly to its end and carries no flags;</li>
 *   <li>flags hold no bits but {@link FrameDescriptor#BEGIN_FLAG} and {@link FrameDescriptor#END_FLAG}.</li>
 * </ul>
 * Frame types are the protocol's business: the handler refuses the ones it does not know.
 * <p>
 * Not thread-safe: one consumer thread per ring, in one process.
 */
public final class RingReader implements WakeCondition
{
    private final SharedBuffer memory;
    private final long ringOffset;
    private final long tailPositionOffset;
    private final long headPositionOffset;
    private final long dataOffset;
    private final int capacity;
    private final int mask;
    private final int maxFrameLength;
    private final EventCount spaceEventCount;

    private long headPosition;

    /**
     * @param memory     the mapped segment.
     * @param ringOffset where the ring's header starts, 128-byte aligned.
     * @param capacity   data bytes, a power of two.
     */
    public RingReader(final SharedBuffer memory, final long ringOffset, final int capacity)
    {
        RingDescriptor.checkCapacity(capacity);
        memory.checkAligned(ringOffset, SharedMemory.CACHE_LINE_LENGTH);
        this.memory = memory;
        this.ringOffset = ringOffset;
        this.tailPositionOffset = ringOffset + RingDescriptor.TAIL_POSITION_OFFSET;
        this.headPositionOffset = ringOffset + RingDescriptor.HEAD_POSITION_OFFSET;
        this.dataOffset = ringOffset + RingDescriptor.HEADER_LENGTH;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxFrameLength = RingDescriptor.maxFrameLength(capacity);
        this.spaceEventCount = new EventCount(memory, ringOffset + RingDescriptor.SPACE_EVENT_COUNT_OFFSET);
        resync();
    }

    /**
     * Re-reads the head position from shared memory: after the channel was reset for reuse.
     *
     * @throws RingCorruptedException when the head found is negative or not frame-aligned: every
     *                                later index would be wrong.
     */
    public void resync()
    {
        final long head = memory.getLongVolatile(headPositionOffset);
        if (head < 0 || (head & (ALIGNMENT - 1)) != 0)
        {
            throw corrupted("head position negative or unaligned at resync", head, Long.MIN_VALUE, -1, -1);
        }
        headPosition = head;
    }

    /**
     * Handles up to {@code frameLimit} frames, then releases their space in one store.
     *
     * @return frames handled (padding not counted).
     * @throws RingCorruptedException when the producer wrote impossible positions or headers.
     */
    public int read(final FrameHandler handler, final int frameLimit)
    {
        return read(handler, frameLimit, Integer.MAX_VALUE);
    }

    /**
     * Handles up to {@code frameLimit} frames whose payloads add up to at most {@code byteLimit} bytes, then
     * releases their space in one store. The frame that would go over the byte limit stays in the ring, first
     * in line for the next read: a handler that keeps what it cannot pass on at once (the part of a frame a
     * socket did not take) bounds what it keeps by the room it has. A limit below {@link #maxPayloadLength()}
     * may leave a frame unread for ever.
     *
     * @return frames handled (padding not counted).
     * @throws RingCorruptedException when the producer wrote impossible positions or headers.
     */
    public int read(final FrameHandler handler, final int frameLimit, final int byteLimit)
    {
        return read(handler, null, frameLimit, byteLimit);
    }

    /**
     * Handles up to {@code frameLimit} frames, as {@link #read(FrameHandler, int)} does, stopping early at a frame
     * the handler leaves in the ring: that frame is read again, first, by the next read.
     *
     * @return frames taken (padding and the frame left not counted).
     * @throws RingCorruptedException when the producer wrote impossible positions or headers.
     */
    public int controlledRead(final ControlledFrameHandler handler, final int frameLimit)
    {
        return read(null, handler, frameLimit, Integer.MAX_VALUE);
    }

    /**
     * One of the two handlers is null.
     */
    private int read(
        final FrameHandler handler, final ControlledFrameHandler controlled, final int frameLimit, final int byteLimit)
    {
        final long head = headPosition;
        final long tail = memory.getLongAcquire(tailPositionOffset);
        if (tail == head)
        {
            return 0;
        }

        if (tail < head || tail - head > capacity || (tail & (ALIGNMENT - 1)) != 0)
        {
            throw corrupted("tail position out of bounds", head, tail, -1, -1);
        }

        final SharedBuffer memory = this.memory;
        final long dataOffset = this.dataOffset;
        int frames = 0;
        int bytes = 0;
        long position = head;
        try
        {
            while (position < tail && frames < frameLimit)
            {
                final int index = (int)position & mask;
                final long frameOffset = dataOffset + index;
                final int frameLength = memory.getInt(frameOffset + LENGTH_OFFSET);
                final int alignedLength = (frameLength + ALIGNMENT - 1) & -ALIGNMENT;
                if (frameLength < HEADER_LENGTH || alignedLength > capacity - index || alignedLength > tail - position)
                {
                    throw corrupted("frame length out of bounds", head, tail, position, frameLength);
                }

                // each header field is read once: the producer may rewrite it under us
                final int type = memory.getShort(frameOffset + TYPE_OFFSET);
                final int flags = memory.getShort(frameOffset + FLAGS_OFFSET) & 0xFFFF;
                if (type == PADDING_TYPE)
                {
                    if (alignedLength != capacity - index || flags != 0)
                    {
                        throw corrupted("padding frame short of the ring's end or flagged (flags=" + flags + ")",
                            head, tail, position, frameLength);
                    }
                    position += alignedLength;
                    continue;
                }
                if (frameLength > maxFrameLength || (flags & ~FrameDescriptor.UNFRAGMENTED) != 0)
                {
                    throw corrupted("frame longer than maxFrameLength=" + maxFrameLength + " or unknown flags=0x" +
                        Integer.toHexString(flags) + " (type=" + type + ")", head, tail, position, frameLength);
                }

                final int payloadLength = frameLength - HEADER_LENGTH;
                if (payloadLength > byteLimit - bytes)
                {
                    break;
                }

                // consumed before the handler runs: a handler that throws does not see the frame again
                position += alignedLength;
                frames++;
                bytes += payloadLength;
                if (controlled == null)
                {
                    handler.onFrame(memory, frameOffset + HEADER_LENGTH, payloadLength, type, flags);
                }
                else if (!controlled.onFrame(memory, frameOffset + HEADER_LENGTH, payloadLength, type, flags))
                {
                    position -= alignedLength;
                    frames--;
                    break;
                }
            }
        }
        finally
        {
            if (position != head)
            {
                headPosition = position;
                memory.putLongRelease(headPositionOffset, position);
                // a producer may be parked waiting for the space just given back
                spaceEventCount.signal();
            }
        }

        return frames;
    }

    /**
     * @return true when published frames wait: a consumer's wake condition.
     */
    public boolean isSatisfied()
    {
        return memory.getLongAcquire(tailPositionOffset) != headPosition;
    }


    /**
     * @return the position up to which frames have been consumed.
     */
    public long headPosition()
    {
        return headPosition;
    }

    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the largest payload a frame of this ring carries.
     */
    public int maxPayloadLength()
    {
        return maxFrameLength - HEADER_LENGTH;
    }

    /**
     * @return where this ring's header lies in the segment.
     */
    public long ringOffset()
    {
        return ringOffset;
    }

    private RingCorruptedException corrupted(
        final String what, final long head, final long tail, final long position, final int frameLength)
    {
        return new RingCorruptedException(
            what + ": ringOffset=" + ringOffset + " capacity=" + capacity + " headPosition=" + head +
            (tail != Long.MIN_VALUE ? " tailPosition=" + tail : "") +
            (position >= 0 ? " framePosition=" + position + " frameLength=" + frameLength : ""));
    }
}
