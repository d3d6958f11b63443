package io.switchboard.cm.net;

import io.switchboard.ipc.segment.SharedSegment;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;

/**
 * The segment as one I/O thread sees it: its memory, one buffer over the whole of it (ring offsets index it),
 * and a reusable view of a range, for socket reads into ring space and gathering writes from it. The CM maps
 * the segment as one buffer, hence its 2 GiB bound.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class SegmentViews
{
    private final SharedBuffer memory;
    private final ByteBuffer whole;
    private final ByteBuffer range;

    SegmentViews(final SharedSegment segment)
    {
        this.memory = segment.memory();
        if (memory.capacity() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("segment of " + memory.capacity() + " bytes: the CM maps at most 2 GiB");
        }
        this.whole = memory.byteBuffer(0, (int)memory.capacity());
        this.range = whole.duplicate();
    }

    SharedBuffer memory()
    {
        return memory;
    }

    /**
     * @return the whole segment as a buffer.
     */
    ByteBuffer whole()
    {
        return whole;
    }

    /**
     * @return a view of {@code length} bytes at {@code offset}; the same object each time, valid until the next.
     */
    ByteBuffer ringView(final long offset, final int length)
    {
        final int at = Math.toIntExact(offset);
        return range.limit(at + length).position(at);
    }
}
