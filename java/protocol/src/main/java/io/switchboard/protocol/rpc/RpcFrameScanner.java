package io.switchboard.protocol.rpc;

import java.nio.ByteBuffer;

/**
 * Follows the frame boundaries of one direction of a session's byte stream, in
 * whatever pieces it arrives, and checks the two things the CM checks of every
 * frame (docs/rpc-protocol.md, section 4): its length against the session's
 * maximum and the type's minimum, and its type against the table. Payloads are
 * never looked at. A header split across pieces is gathered in a field, so the
 * stream itself is never copied.
 * <p>
 * Also notes a GOODBYE, after which nothing may follow.
 * Not thread-safe: one per direction of a session.
 */
public final class RpcFrameScanner
{
    /** Length field, type, flags and reserved: what the scanner needs of a header. */
    private static final int CHECKED_HEADER_LENGTH = 8;

    private final int maxFrameLength;
    private long remainingInFrame;
    private int headerBytes;
    private long header;
    private boolean goodbyeSeen;
    private boolean goodbyeComplete;
    private long frames;
    private long calls;
    private long answers;
    private String error;

    /**
     * @param maxFrameLength the largest whole frame (length field included) allowed.
     */
    public RpcFrameScanner(final int maxFrameLength)
    {
        if (maxFrameLength < RpcFrame.HEADER_LENGTH)
        {
            throw new IllegalArgumentException("max frame length " + maxFrameLength + " < header " + RpcFrame.HEADER_LENGTH);
        }
        this.maxFrameLength = maxFrameLength;
    }

    public void reset()
    {
        remainingInFrame = 0;
        headerBytes = 0;
        header = 0;
        goodbyeSeen = false;
        goodbyeComplete = false;
        frames = 0;
        calls = 0;
        answers = 0;
        error = null;
    }

    /**
     * Follows {@code length} bytes of the stream at absolute index {@code offset} of the buffer.
     *
     * @return how many of them are well-formed stream: all of them, or fewer when a frame is bad
     * (then {@link #error()} says why, and the return value is where the bad frame's header's
     * bytes in this piece begin).
     */
    public int scan(final ByteBuffer buffer, final int offset, final int length)
    {
        if (error != null)
        {
            return 0;
        }
        int index = 0;
        while (index < length)
        {
            if (remainingInFrame > 0)
            {
                final int step = (int)Math.min(remainingInFrame, length - index);
                remainingInFrame -= step;
                index += step;
                if (remainingInFrame == 0)
                {
                    frameDone();
                }
                continue;
            }
            if (goodbyeComplete)
            {
                error = "a frame after GOODBYE";
                return index;
            }
            final int headerStart = index;
            if (headerBytes == 0 && length - index >= CHECKED_HEADER_LENGTH)
            {
                header = buffer.getLong(offset + index);
                if (buffer.order() != java.nio.ByteOrder.BIG_ENDIAN)
                {
                    header = Long.reverseBytes(header);
                }
                headerBytes = CHECKED_HEADER_LENGTH;
                index += CHECKED_HEADER_LENGTH;
            }
            else
            {
                while (headerBytes < CHECKED_HEADER_LENGTH && index < length)
                {
                    header = (header << 8) | (buffer.get(offset + index) & 0xFF);
                    headerBytes++;
                    index++;
                }
                if (headerBytes < CHECKED_HEADER_LENGTH)
                {
                    return index;
                }
            }
            if (!checkHeader())
            {
                return headerStart;
            }
            // remainingInFrame counts the whole frame, and the header bytes just read are its first
            remainingInFrame -= CHECKED_HEADER_LENGTH;
            headerBytes = 0;
            header = 0;
            if (remainingInFrame == 0)
            {
                frameDone();
            }
        }
        return index;
    }

    private boolean checkHeader()
    {
        final long lengthField = header >>> 32;
        final int type = (int)(header >>> 24) & 0xFF;
        if (!RpcFrame.isKnownType(type))
        {
            error = "unknown frame type " + type + " (frame " + (frames + 1) + ")";
            return false;
        }
        if (lengthField + RpcFrame.LENGTH_FIELD_LENGTH > maxFrameLength)
        {
            error = RpcFrame.typeName(type) + " frame of " + (lengthField + RpcFrame.LENGTH_FIELD_LENGTH) +
                " bytes, over the session's maximum of " + maxFrameLength;
            return false;
        }
        if (lengthField < RpcFrame.minLengthField(type))
        {
            error = RpcFrame.typeName(type) + " frame with length field " + lengthField + ", at least " +
                RpcFrame.minLengthField(type) + " needed";
            return false;
        }
        remainingInFrame = lengthField + RpcFrame.LENGTH_FIELD_LENGTH;
        goodbyeSeen = type == RpcFrame.GOODBYE;
        if (type == RpcFrame.CALL)
        {
            calls++;
        }
        else if (type == RpcFrame.RESULT || type == RpcFrame.ERROR)
        {
            answers++;
        }
        return true;
    }

    private void frameDone()
    {
        frames++;
        if (goodbyeSeen)
        {
            goodbyeComplete = true;
        }
    }

    /**
     * @return whether the bytes followed so far end on a frame boundary.
     */
    public boolean atFrameBoundary()
    {
        return remainingInFrame == 0 && headerBytes == 0;
    }

    /**
     * @return whether a whole GOODBYE frame went by: the stream is over.
     */
    public boolean goodbyeComplete()
    {
        return goodbyeComplete;
    }

    /**
     * @return whole frames followed.
     */
    public long frames()
    {
        return frames;
    }

    /**
     * @return CALL frames whose header went by: calls the other side owes an answer.
     */
    public long calls()
    {
        return calls;
    }

    /**
     * @return RESULT and ERROR frames whose header went by.
     */
    public long answers()
    {
        return answers;
    }

    /**
     * @return what was wrong, or null while the stream is well-formed.
     */
    public String error()
    {
        return error;
    }
}
