package io.switchboard.cm.net;

import io.switchboard.cm.http.BodyFraming;
import io.switchboard.cm.http.HttpVersion;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.cm.http.TargetForm;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.http.HeadWriter;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HttpHeadDescriptor;

import java.nio.ByteBuffer;

/**
 * Writes a parsed request head into a channel's inbound ring as one REQUEST_HEAD frame (layout in
 * {@link HttpHeadDescriptor}), straight from the parser's buffer into claimed ring space: the application,
 * the method, the target in origin form, and the headers as the client sent them.
 * <p>
 * Not thread-safe: one per {@link HttpWorkspace}.
 */
final class RequestHeadEncoder
{
    enum Result
    {
        /** The frame is in the ring, committed. */
        WRITTEN,
        /** The head is larger than a frame of this ring can be: 431. */
        TOO_LARGE,
        /** A fresh channel's ring has no room for it: cannot happen unless the worker misbehaves; 503. */
        NO_ROOM
    }

    private final HeadWriter headWriter = new HeadWriter();
    private ByteBuffer headBytes;

    /**
     * @param segmentBuffer the whole segment, which the ring's claimed offsets index.
     */
    Result encode(
        final RequestHead head,
        final String application,
        final boolean hasBody,
        final boolean keepAlive,
        final RingWriter writer,
        final ByteBuffer segmentBuffer)
    {
        final byte[] bytes = head.buffer();
        if (headBytes == null || headBytes.array() != bytes)
        {
            // the parser grows its buffer for a large head: wrap again only then
            headBytes = ByteBuffer.wrap(bytes);
        }

        // the worker gets the origin form: an absolute-form target (a proxy's form) is cut to path and query
        final boolean absolute = head.targetForm() == TargetForm.ABSOLUTE;
        final int targetOffset = absolute ? head.pathOffset() : head.targetOffset();
        final int targetLength = !absolute ? head.targetLength() :
            (head.queryOffset() >= 0 ? head.queryOffset() + head.queryLength() : head.pathOffset() + head.pathLength()) -
            head.pathOffset();
        int length = HttpHeadDescriptor.REQUEST_FIXED_LENGTH + HeadWriter.encodedLength(application.length()) +
            HeadWriter.encodedLength(head.methodLength()) + HeadWriter.encodedLength(Math.max(targetLength, 1));
        final int count = head.headerCount();
        for (int i = 0; i < count; i++)
        {
            length += HeadWriter.encodedLength(head.headerNameLength(i)) + HeadWriter.encodedLength(head.headerValueLength(i));
        }
        if (length > writer.maxPayloadLength())
        {
            return Result.TOO_LARGE;
        }

        final long at = writer.tryClaim(HttpFrameType.REQUEST_HEAD, FrameDescriptor.UNFRAGMENTED, length);
        if (at == RingWriter.INSUFFICIENT_CAPACITY)
        {
            return Result.NO_ROOM;
        }

        final int flags = (hasBody ? HttpHeadDescriptor.FLAG_HAS_BODY : 0) |
            (head.expectContinue() ? HttpHeadDescriptor.FLAG_EXPECT_CONTINUE : 0) |
            (keepAlive ? HttpHeadDescriptor.FLAG_KEEP_ALIVE : 0);
        headWriter.wrap(segmentBuffer, Math.toIntExact(at))
            .requestFixed(head.version() == HttpVersion.HTTP_1_0 ? 0 : 1, flags, count,
                head.bodyFraming() == BodyFraming.CHUNKED ? HttpHeadDescriptor.UNKNOWN_LENGTH : head.contentLength())
            .putString(application)
            .putBytes(headBytes, 0, head.methodLength());
        if (targetLength > 0)
        {
            headWriter.putBytes(headBytes, targetOffset, targetLength);
        }
        else
        {
            headWriter.putString("/");
        }
        for (int i = 0; i < count; i++)
        {
            headWriter.putBytes(headBytes, head.headerNameOffset(i), head.headerNameLength(i))
                .putBytes(headBytes, head.headerValueOffset(i), head.headerValueLength(i));
        }
        writer.commit();
        return Result.WRITTEN;
    }
}
