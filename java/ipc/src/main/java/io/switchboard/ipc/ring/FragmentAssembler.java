package io.switchboard.ipc.ring;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * Joins the fragments of a message into one buffer and hands whole messages to
 * a delegate; whole frames pass through untouched, with no copy. For consumers
 * that need a message at once (an RPC frame); a streaming consumer (an HTTP
 * body) takes fragments as they come instead.
 * <p>
 * The buffer grows by doubling up to {@code maxMessageLength}; a longer message,
 * a fragment without a beginning, or a beginning while another message is open
 * is a protocol error, reported as {@link RingCorruptedException}, and the
 * partial message is dropped.
 * <p>
 * Not thread-safe: one per channel direction, on the consumer's thread.
 */
public final class FragmentAssembler implements FrameHandler
{
    private final FrameHandler delegate;
    private final int maxMessageLength;

    private SharedBuffer buffer;
    private int length;
    private int type = -1;

    /**
     * @param delegate         receives whole messages.
     * @param initialLength    starting size of the assembly buffer.
     * @param maxMessageLength largest message accepted.
     */
    public FragmentAssembler(final FrameHandler delegate, final int initialLength, final int maxMessageLength)
    {
        if (initialLength <= 0 || maxMessageLength < initialLength)
        {
            throw new IllegalArgumentException("initialLength=" + initialLength + " maxMessageLength=" + maxMessageLength);
        }

        this.delegate = delegate;
        this.maxMessageLength = maxMessageLength;
        this.buffer = SharedBuffer.wrap(new byte[initialLength]);
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final SharedBuffer source, final long offset, final int fragmentLength, final int frameType,
        final int flags)
    {
        final boolean begin = FrameDescriptor.isBegin(flags);
        final boolean end = FrameDescriptor.isEnd(flags);

        if (begin && end)
        {
            if (type >= 0)
            {
                reset();
                throw new RingCorruptedException("whole frame of type " + frameType + " inside a fragmented message");
            }
            delegate.onFrame(source, offset, fragmentLength, frameType, flags);
            return;
        }

        if (begin)
        {
            if (type >= 0)
            {
                reset();
                throw new RingCorruptedException("fragment BEGIN of type " + frameType + " before the previous END");
            }
            type = frameType;
            length = 0;
        }
        else if (type != frameType)
        {
            final int expected = type;
            reset();
            throw new RingCorruptedException(
                "fragment of type " + frameType + " without a BEGIN (assembling type " + expected + ")");
        }

        append(source, offset, fragmentLength);

        if (end)
        {
            final int messageType = type;
            final int messageLength = length;
            reset();
            delegate.onFrame(buffer, 0, messageLength, messageType, FrameDescriptor.UNFRAGMENTED);
        }
    }

    private void append(final SharedBuffer source, final long offset, final int fragmentLength)
    {
        final long required = (long)length + fragmentLength;
        if (required > maxMessageLength)
        {
            reset();
            throw new RingCorruptedException(
                "message longer than maxMessageLength=" + maxMessageLength + ": at least " + required + " bytes");
        }

        if (required > buffer.capacity())
        {
            final long newLength = Math.min(maxMessageLength, Math.max(required, buffer.capacity() * 2));
            final SharedBuffer grown = SharedBuffer.wrap(new byte[(int)newLength]);
            buffer.getBytes(0, grown, 0, length);
            buffer = grown;
        }

        source.getBytes(offset, buffer, length, fragmentLength);
        length = (int)required;
    }

    private void reset()
    {
        type = -1;
        length = 0;
    }
}
