package io.switchboard.protocol.http;

/**
 * Frame types of a non-distributed (HTTP) channel. One channel carries one
 * request and its response:
 * <pre>
 *   CM -> worker (inbound ring)            worker -> CM (outbound ring)
 *   REQUEST_HEAD                            RESPONSE_HEAD
 *   REQUEST_BODY *  (body bytes, streamed)  RESPONSE_BODY *
 *   REQUEST_END                             RESPONSE_END   (or RESPONSE_ABORT)
 * </pre>
 * There is no cancel frame: the CM cancels out of band by moving the channel
 * to CLOSING and ringing the worker, which needs no ring space and reaches a
 * worker that has read its last inbound frame already.
 * The CM has parsed and validated the client's HTTP: a worker never sees
 * chunked encoding, only body bytes. A head longer than one frame travels as
 * fragments of its type.
 */
public final class HttpFrameType
{
    public static final short REQUEST_HEAD = 0x10;
    public static final short REQUEST_BODY = 0x11;
    public static final short REQUEST_END = 0x12;

    public static final short RESPONSE_HEAD = 0x20;
    public static final short RESPONSE_BODY = 0x21;
    public static final short RESPONSE_END = 0x22;
    /** The worker failed after the response head went out: the CM must close the client connection. */
    public static final short RESPONSE_ABORT = 0x23;

    private HttpFrameType()
    {
    }

    public static String name(final int type)
    {
        return switch (type)
        {
            case REQUEST_HEAD -> "REQUEST_HEAD";
            case REQUEST_BODY -> "REQUEST_BODY";
            case REQUEST_END -> "REQUEST_END";
            case RESPONSE_HEAD -> "RESPONSE_HEAD";
            case RESPONSE_BODY -> "RESPONSE_BODY";
            case RESPONSE_END -> "RESPONSE_END";
            case RESPONSE_ABORT -> "RESPONSE_ABORT";
            default -> "UNKNOWN(0x" + Integer.toHexString(type) + ")";
        };
    }
}
