package io.switchboard.ipc.ring;

/**
 * Layout of a frame in a ring. Frames start on 8-byte boundaries; the length
 * counts the header and the payload, not the alignment padding after it.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Frame length                          |  0
 *  +-------------------------------+-------------------------------+
 *  |             Type              |             Flags             |  4
 *  +-------------------------------+-------------------------------+
 *  |                           Payload                            ...  8
 *  ...                                                             |
 *  +---------------------------------------------------------------+
 * </pre>
 * Type {@value #PADDING_TYPE} is a padding frame that fills the end of the ring
 * when the next frame does not fit before the wrap; readers skip it. A message
 * carried whole has both {@link #BEGIN_FLAG} and {@link #END_FLAG}; a message
 * cut into fragments has BEGIN on the first, END on the last, neither between.
 */
public final class FrameDescriptor
{
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int FLAGS_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;
    public static final int ALIGNMENT = 8;

    public static final short PADDING_TYPE = 0;

    public static final short BEGIN_FLAG = 0x80;
    public static final short END_FLAG = 0x40;
    public static final short UNFRAGMENTED = BEGIN_FLAG | END_FLAG;

    private FrameDescriptor()
    {
    }

    /**
     * @return the bytes a frame with {@code payloadLength} bytes of payload occupies in the ring.
     */
    public static int alignedFrameLength(final int payloadLength)
    {
        return (HEADER_LENGTH + payloadLength + ALIGNMENT - 1) & -ALIGNMENT;
    }

    public static boolean isBegin(final int flags)
    {
        return (flags & BEGIN_FLAG) != 0;
    }

    public static boolean isEnd(final int flags)
    {
        return (flags & END_FLAG) != 0;
    }
}
