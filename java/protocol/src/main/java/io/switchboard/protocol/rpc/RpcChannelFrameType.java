package io.switchboard.protocol.rpc;

/**
 * Ring frame types of a distributed session's channel. The channel carries the
 * session's RPC byte stream both ways, unchanged:
 * <pre>
 *   CM -> worker (inbound ring)               worker -> CM (outbound ring)
 *   SESSION_OPEN  (once, first)               SESSION_ACCEPTED or SESSION_REJECTED (once, first)
 *   STREAM *      (stream bytes, cut where    STREAM *  (each message one whole RPC frame,
 *                  the socket read ended)                fragmented when longer than a ring frame)
 * </pre>
 * The CM answers the client's HELLO only once the worker has accepted the
 * session: the worker is the one that knows which applications it hosts.
 * Inbound STREAM frames are cut where the socket read ended, not where RPC frames
 * end: the CM reads the socket straight into the ring and only follows the frame
 * boundaries (see {@link RpcFrameScanner}); the worker reassembles. The session
 * ends out of band, like an HTTP exchange: the CM moves the channel to CLOSING.
 * <p>
 * SESSION_OPEN's payload:
 * <pre>
 *   session id (u64) | max frame length (u32) | max calls in flight (u32) | app length (u16) | app (UTF-8)
 * </pre>
 * The max frame length is the session's, as the WELCOME announces it: the worker sends no longer frame.
 * SESSION_REJECTED's payload: a WELCOME status (u16), then a message for people (UTF-8, the rest).
 */
public final class RpcChannelFrameType
{
    public static final short SESSION_OPEN = 0x30;
    public static final short STREAM = 0x31;
    public static final short SESSION_ACCEPTED = 0x32;
    public static final short SESSION_REJECTED = 0x33;

    public static final int OPEN_SESSION_ID_OFFSET = 0;
    public static final int OPEN_MAX_FRAME_OFFSET = 8;
    public static final int OPEN_MAX_CALLS_OFFSET = 12;
    public static final int OPEN_APPLICATION_LENGTH_OFFSET = 16;
    public static final int OPEN_APPLICATION_OFFSET = 18;

    public static final int REJECTED_STATUS_OFFSET = 0;
    public static final int REJECTED_MESSAGE_OFFSET = 2;

    public static String name(final int type)
    {
        return switch (type)
        {
            case SESSION_OPEN -> "SESSION_OPEN";
            case STREAM -> "STREAM";
            case SESSION_ACCEPTED -> "SESSION_ACCEPTED";
            case SESSION_REJECTED -> "SESSION_REJECTED";
            default -> "UNKNOWN(0x" + Integer.toHexString(type) + ")";
        };
    }

    private RpcChannelFrameType()
    {
    }
}
