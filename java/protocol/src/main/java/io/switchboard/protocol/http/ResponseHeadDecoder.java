package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteOrder;

/**
 * The one decoder of a RESPONSE_HEAD frame (layout in {@link HttpHeadDescriptor}), as a flyweight over the
 * frame where it lies: {@link #wrap} checks the fixed part, {@link #forEachHeader} walks the headers with
 * every length checked against the frame. The writer is another process and is not trusted; nothing is
 * allocated unless the frame is wrong.
 * <p>
 * A status is accepted in {@value #MIN_STATUS}..{@value #MAX_STATUS}: a worker answers with a final response
 * (interim ones, such as {@code 100 Continue}, are the CM's to send).
 * <p>
 * Not thread-safe: one per thread.
 */
public final class ResponseHeadDecoder
{
    public static final int MIN_STATUS = 200;
    public static final int MAX_STATUS = 599;


    /**
     * Takes one header, by where its name and value lie in the frame's memory.
     */
    @FunctionalInterface
    public interface HeaderVisitor
    {
        void onHeader(SharedBuffer memory, long nameOffset, int nameLength, long valueOffset, int valueLength);
    }

    private SharedBuffer memory;
    private long offset;
    private int length;
    private int status;
    private int headerCount;
    private long contentLength;

    /**
     * Points at a frame and checks its fixed part.
     *
     * @throws HeadFormatException when the frame is shorter than its fixed part, or a field is out of range.
     */
    public ResponseHeadDecoder wrap(final SharedBuffer memory, final long offset, final int length)
    {
        if (length < HttpHeadDescriptor.RESPONSE_FIXED_LENGTH)
        {
            throw new HeadFormatException("RESPONSE_HEAD of " + length + " bytes, shorter than its fixed part");
        }
        final int status = memory.getShort(offset + HttpHeadDescriptor.STATUS_OFFSET) & 0xFFFF;
        final long contentLength = memory.getLong(offset + HttpHeadDescriptor.CONTENT_LENGTH_OFFSET);
        final int reserved = memory.getInt(offset + HttpHeadDescriptor.STATUS_OFFSET + 4);
        if (status < MIN_STATUS || status > MAX_STATUS || contentLength < HttpHeadDescriptor.UNKNOWN_LENGTH || reserved != 0)
        {
            throw new HeadFormatException(
                "RESPONSE_HEAD status=" + status + " contentLength=" + contentLength + " reserved=" + reserved);
        }
        this.memory = memory;
        this.offset = offset;
        this.length = length;
        this.status = status;
        this.contentLength = contentLength;
        this.headerCount = memory.getShort(offset + HttpHeadDescriptor.RESPONSE_HEADER_COUNT_OFFSET) & 0xFFFF;
        return this;
    }

    public int status()
    {
        return status;
    }

    /**
     * @return the body's length, or {@link HttpHeadDescriptor#UNKNOWN_LENGTH}.
     */
    public long contentLength()
    {
        return contentLength;
    }

    public int headerCount()
    {
        return headerCount;
    }

    /**
     * Hands each header to {@code visitor}, in order, having checked that it lies inside the frame; after
     * the last, checks that nothing follows it.
     *
     * @throws HeadFormatException when a length runs past the frame or bytes follow the last header.
     */
    public void forEachHeader(final HeaderVisitor visitor)
    {
        long at = offset + HttpHeadDescriptor.RESPONSE_FIXED_LENGTH;
        final long limit = offset + length;
        for (int i = 0; i < headerCount; i++)
        {
            final int nameLength = stringLength(at, limit);
            final long nameOffset = at + Short.BYTES;
            at = nameOffset + nameLength;
            final int valueLength = stringLength(at, limit);
            final long valueOffset = at + Short.BYTES;
            at = valueOffset + valueLength;
            visitor.onHeader(memory, nameOffset, nameLength, valueOffset, valueLength);
        }
        if (at != limit)
        {
            throw new HeadFormatException("RESPONSE_HEAD has " + (limit - at) + " bytes after its headers");
        }
    }

    private int stringLength(final long at, final long limit)
    {
        if (at + Short.BYTES > limit)
        {
            throw new HeadFormatException("RESPONSE_HEAD header length runs past the frame");
        }
        // strings are packed: after an odd-length one the next length is at an odd offset
        final int stringLength = memory.getShort(at) & 0xFFFF;
        if (at + Short.BYTES + stringLength > limit)
        {
            throw new HeadFormatException("RESPONSE_HEAD header of " + stringLength + " bytes runs past the frame");
        }
        return stringLength;
    }
}
