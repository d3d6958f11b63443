package io.switchboard.ipc.ring;

import io.switchboard.ipc.SharedMemory;
import io.switchboard.ipc.signal.EventCount;
import io.switchboard.ipc.signal.WakeCondition;

import io.switchboard.ipc.memory.SharedBuffer;

import static io.switchboard.ipc.ring.FrameDescriptor.ALIGNMENT;
import static io.switchboard.ipc.ring.FrameDescriptor.BEGIN_FLAG;
import static io.switchboard.ipc.ring.FrameDescriptor.END_FLAG;
import static io.switchboard.ipc.ring.FrameDescriptor.FLAGS_OFFSET;
import static io.switchboard.ipc.ring.FrameDescriptor.HEADER_LENGTH;
import static io.switchboard.ipc.ring.FrameDescriptor.LENGTH_OFFSET;
import static io.switchboard.ipc.ring.FrameDescriptor.PADDING_TYPE;
import static io.switchboard.ipc.ring.FrameDescriptor.TYPE_OFFSET;
import static io.switchboard.ipc.ring.FrameDescriptor.UNFRAGMENTED;

/**
 * The producer's side of a ring (layout in {@link RingDescriptor}): claims
 * space, lets the caller write the payload in place, publishes with one release
 * store of the tail. A full ring is backpressure: the claim returns
 * {@link #INSUFFICIENT_CAPACITY} and nothing changes.
 * <pre>{@code
 *   final long offset = writer.tryClaim(TYPE, FrameDescriptor.UNFRAGMENTED, length);
 *   if (offset > 0)
 *   {
 *       memory.copyFrom(...) / socketChannel.read(view of [offset, offset + length))
 *       writer.commit();                 // or commit(actualLength), or abort()
 *       doorbell.ring(channelIndex);     // once per batch
 *   }
 * }</pre>
 * The head position is read only when the cached copy says the ring may be
 * full, so the producer rarely touches the consumer's cache line.
 * <p>
 * The consumer may be another process that is broken or hostile, and it
 * writes the head: every head read is checked (it only moves forwards, 8-byte
 * aligned, never past the tail), and an impossible one raises
 * {@link RingCorruptedException}. Unchecked, a head ahead of the tail would
 * make free space out of published frames, or more space than the ring has.
 * <p>
 * Not thread-safe: one producer thread per ring, in one process.
 */
public final class RingWriter implements WakeCondition
{
    /** What {@link #tryClaim} returns when the ring has not enough free space. */
    public static final long INSUFFICIENT_CAPACITY = -1;

    /** What {@link #offerPart} returns when it could write nothing. */
    public static final int NOTHING_WRITTEN = -1;

    /** Below this, {@link #offerPart} waits for more space rather than cut a tiny fragment. */
    private static final int MIN_FRAGMENT_PAYLOAD = 1024;

    private final SharedBuffer memory;
    private final long ringOffset;
    private final long tailPositionOffset;
    private final long headPositionOffset;
    private final long dataOffset;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final EventCount spaceEventCount;

    private long tailPosition;
    /** The tail as the consumer sees it: behind tailPosition while committed frames are held back. */
    private long publishedTailPosition;
    private long headPositionCache;
    private long claimPosition = -1;
    private long claimPayloadLength;
    private int wantedFrameLength;
    private int wantedPartLength;

    /**
     * @param memory     the mapped segment.
     * @param ringOffset where the ring's header starts, 128-byte aligned.
     * @param capacity   data bytes, a power of two.
     */
    public RingWriter(final SharedBuffer memory, final long ringOffset, final int capacity)
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
        this.maxPayloadLength = RingDescriptor.maxFrameLength(capacity) - HEADER_LENGTH;
        this.spaceEventCount = new EventCount(memory, ringOffset + RingDescriptor.SPACE_EVENT_COUNT_OFFSET);
        resync();
    }

    /**
     * Re-reads the positions from shared memory: after the channel was reset for reuse.
     */
    public void resync()
    {
        final long tail = memory.getLongVolatile(tailPositionOffset);
        final long head = memory.getLongVolatile(headPositionOffset);
        if (tail < 0 || (tail & (ALIGNMENT - 1)) != 0 || head > tail || tail - head > capacity ||
            (head & (ALIGNMENT - 1)) != 0)
        {
            throw new RingCorruptedException("positions impossible at resync: ringOffset=" + ringOffset +
                " capacity=" + capacity + " headPosition=" + head + " tailPosition=" + tail);
        }
        tailPosition = tail;
        publishedTailPosition = tail;
        headPositionCache = head;
        claimPosition = -1;
    }

    /**
     * Claims space for one frame and writes its header; the caller writes the
     * payload at the returned offset and then commits or aborts.
     *
     * @param type          the frame type, not {@link FrameDescriptor#PADDING_TYPE}.
     * @param flags         {@link FrameDescriptor#UNFRAGMENTED} or a fragment's flags.
     * @param payloadLength at most {@link #maxPayloadLength()}.
     * @return offset of the payload in the segment, or {@link #INSUFFICIENT_CAPACITY}.
     */
    public long tryClaim(final int type, final int flags, final int payloadLength)
    {
        if (payloadLength < 0 || payloadLength > maxPayloadLength || type == PADDING_TYPE)
        {
            throw new IllegalArgumentException(
                "type=" + type + " payloadLength=" + payloadLength + " maxPayloadLength=" + maxPayloadLength);
        }

        if (claimPosition >= 0)
        {
            throw new IllegalStateException("a claim is outstanding at position " + claimPosition);
        }

        final int frameLength = HEADER_LENGTH + payloadLength;
        final int alignedLength = (frameLength + ALIGNMENT - 1) & -ALIGNMENT;
        long position = tailPosition;
        final int index = (int)position & mask;
        final int toEnd = capacity - index;
        final int padding = alignedLength > toEnd ? toEnd : 0;
        final int required = padding + alignedLength;

        if (!hasSpace(required))
        {
            wantedFrameLength = required;
            wantedPartLength = 0;
            return INSUFFICIENT_CAPACITY;
        }

        if (padding != 0)
        {
            writeHeader(index, padding, PADDING_TYPE, 0);
            position += padding;
        }

        final int frameIndex = (int)position & mask;
        writeHeader(frameIndex, frameLength, type, flags);
        claimPosition = position;
        claimPayloadLength = payloadLength;
        // the padding, if any, is published with the frame: the tail moves past both at commit
        return dataOffset + frameIndex + HEADER_LENGTH;
    }

    /**
     * Publishes the claimed frame whole.
     */
    public void commit()
    {
        commit((int)claimPayloadLength);
    }

    /**
     * Publishes the claimed frame with a shorter payload than claimed (a socket
     * read that returned less than the space offered).
     */
    public void commit(final int payloadLength)
    {
        complete(payloadLength);
        publish();
    }

    /**
     * Completes the claimed frame whole but leaves it unseen by the consumer until {@link #publish()}, or the
     * next {@link #commit}, moves the tail past it: a producer that writes several frames in one pass lets the
     * consumer take them together.
     */
    public void commitUnpublished()
    {
        complete((int)claimPayloadLength);
    }

    /**
     * Lets the consumer see every completed frame: one release store of the tail, if it moved.
     */
    public void publish()
    {
        if (publishedTailPosition != tailPosition)
        {
            publishedTailPosition = tailPosition;
            memory.putLongRelease(tailPositionOffset, tailPosition);
        }
    }

    private void complete(final int payloadLength)
    {
        final long position = claimPosition;
        if (position < 0 || payloadLength < 0 || payloadLength > claimPayloadLength)
        {
            throw new IllegalStateException(
                "commit without a matching claim: claimPosition=" + position + " payloadLength=" + payloadLength +
                " claimed=" + claimPayloadLength);
        }

        final int frameLength = HEADER_LENGTH + payloadLength;
        if (payloadLength != claimPayloadLength)
        {
            memory.putInt(dataOffset + ((int)position & mask) + LENGTH_OFFSET, frameLength);
        }

        claimPosition = -1;
        tailPosition = position + ((frameLength + ALIGNMENT - 1) & -ALIGNMENT);
    }

    /**
     * Gives the claimed space back unpublished.
     */
    public void abort()
    {
        claimPosition = -1;
    }

    /**
     * Publishes one whole message.
     *
     * @return false when the ring has not enough free space (nothing was written).
     */
    public boolean offer(final int type, final SharedBuffer source, final long sourceOffset, final int length)
    {
        if (!offerUnpublished(type, source, sourceOffset, length))
        {
            return false;
        }
        publish();
        return true;
    }

    /**
     * Writes one whole message, held back until {@link #publish()} (see {@link #commitUnpublished()}).
     *
     * @return false when the ring has not enough free space (nothing was written).
     */
    public boolean offerUnpublished(final int type, final SharedBuffer source, final long sourceOffset, final int length)
    {
        final long offset = tryClaim(type, UNFRAGMENTED, length);
        if (offset == INSUFFICIENT_CAPACITY)
        {
            return false;
        }

        source.getBytes(sourceOffset, memory, offset, length);
        commitUnpublished();
        return true;
    }

    /**
     * Writes as much of a message as fits now, as one fragment; call again with
     * the rest until it returns {@code length}. Bodies of any size stream
     * through a ring of any capacity this way.
     *
     * @param first  whether {@code source[sourceOffset]} is the message's first byte.
     * @param last   whether {@code source[sourceOffset + length - 1]} is its last byte.
     * @return bytes written (0 for an empty last fragment), or {@link #NOTHING_WRITTEN}
     * when the ring is too full for a useful fragment.
     */
    public int offerPart(
        final int type,
        final SharedBuffer source,
        final long sourceOffset,
        final int length,
        final boolean first,
        final boolean last)
    {
        final int wanted = Math.min(length, Math.min(MIN_FRAGMENT_PAYLOAD, maxPayloadLength));
        final int chunk = Math.min(length, writablePayloadLength());
        if (chunk < wanted || (length == 0 && FrameDescriptor.alignedFrameLength(0) > freeLength()))
        {
            wantedPartLength = Math.max(wanted, 1);
            wantedFrameLength = 0;
            return NOTHING_WRITTEN;
        }

        final int flags = (first ? BEGIN_FLAG : 0) | (last && chunk == length ? END_FLAG : 0);
        final long offset = tryClaim(type, flags, chunk);
        if (offset == INSUFFICIENT_CAPACITY)
        {
            return NOTHING_WRITTEN;
        }

        source.getBytes(sourceOffset, memory, offset, chunk);
        commit();
        return chunk;
    }

    /**
     * @return the largest payload one frame could carry now without waiting,
     * at most {@link #maxPayloadLength()}; re-reads the head position.
     */
    public int writablePayloadLength()
    {
        headPositionCache = readHeadPosition();
        final long free = capacity - (tailPosition - headPositionCache);
        final int index = (int)tailPosition & mask;
        final int toEnd = capacity - index;
        final long contiguous = free <= toEnd ? free : Math.max(toEnd, free - toEnd);
        final long payload = contiguous - HEADER_LENGTH;
        if (payload <= 0)
        {
            return 0;
        }

        // a frame's aligned length must fit: round the payload down to the alignment
        return (int)Math.min(maxPayloadLength, payload & -ALIGNMENT);
    }

    private long freeLength()
    {
        headPositionCache = readHeadPosition();
        return capacity - (tailPosition - headPositionCache);
    }

    private boolean hasSpace(final int required)
    {
        if (required <= capacity - (tailPosition - headPositionCache))
        {
            return true;
        }

        headPositionCache = readHeadPosition();
        return required <= capacity - (tailPosition - headPositionCache);
    }

    /**
     * @return the consumer's head, checked: between the last head seen and the tail, aligned.
     * @throws RingCorruptedException otherwise.
     */
    private long readHeadPosition()
    {
        final long head = memory.getLongAcquire(headPositionOffset);
        if (head < headPositionCache || head > tailPosition || (head & (ALIGNMENT - 1)) != 0)
        {
            throw new RingCorruptedException(
                "head position out of bounds: ringOffset=" + ringOffset + " capacity=" + capacity +
                " headPosition=" + head + " lastHeadPosition=" + headPositionCache + " tailPosition=" + tailPosition);
        }
        return head;
    }

    private void writeHeader(final int index, final int frameLength, final int type, final int flags)
    {
        final long frameOffset = dataOffset + index;
        memory.putInt(frameOffset + LENGTH_OFFSET, frameLength);
        memory.putShort(frameOffset + TYPE_OFFSET, (short)type);
        memory.putShort(frameOffset + FLAGS_OFFSET, (short)flags);
    }

    /**
     * {@inheritDoc}
     *
     * @return true once the frame the last failed claim wanted would fit: the
     * producer's wake condition while it parks on {@link #spaceEventCount()}.
     */
    public boolean isSatisfied()
    {
        return wantedPartLength > 0 ? writablePayloadLength() >= wantedPartLength : hasSpace(wantedFrameLength);
    }

    /**
     * @return the eventcount the consumer signals when it frees space.
     */
    public EventCount spaceEventCount()
    {
        return spaceEventCount;
    }

    /**
     * @return the largest payload of a single frame; longer messages go as fragments.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the position up to which frames are published.
     */
    public long tailPosition()
    {
        return tailPosition;
    }

    /**
     * @return where this ring's header lies in the segment.
     */
    public long ringOffset()
    {
        return ringOffset;
    }
}
