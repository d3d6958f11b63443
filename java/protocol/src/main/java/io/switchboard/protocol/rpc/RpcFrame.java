package io.switchboard.protocol.rpc;

/**
 * The layout of one frame of a distributed session, as it travels on the
 * client's TCP connection and, unchanged, through the session's channel
 * (see {@code docs/rpc-protocol.md}, section 3). Big-endian.
 * <pre>
 *   0               1               2               3
 *  +---------------+---------------+---------------+---------------+
 *  |                      frame length (u32)                       |  bytes after this field
 *  +---------------+---------------+---------------+---------------+
 *  |    type (u8)  |   flags (u8)  |        reserved (u16) = 0     |
 *  +---------------+---------------+---------------+---------------+
 *  |                         call id (u64)                         |
 *  +---------------------------------------------------------------+
 *  |                        object id (u64)                        |
 *  +---------------------------------------------------------------+
 *  |                type-specific fields, then payload            ...
 * </pre>
 */
public final class RpcFrame
{
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int FLAGS_OFFSET = 5;
    public static final int RESERVED_OFFSET = 6;
    public static final int CALL_ID_OFFSET = 8;
    public static final int OBJECT_ID_OFFSET = 16;
    /** Where the type-specific fields start; also the smallest whole frame. */
    public static final int HEADER_LENGTH = 24;
    /** The length field counts the bytes after itself. */
    public static final int LENGTH_FIELD_LENGTH = 4;
    /** The smallest value of the length field: a frame with no type-specific fields. */
    public static final int MIN_LENGTH_FIELD = HEADER_LENGTH - LENGTH_FIELD_LENGTH;

    public static final int CALL = 1;
    public static final int RESULT = 2;
    public static final int ERROR = 3;
    public static final int CANCEL = 4;
    public static final int RELEASE = 5;
    public static final int PING = 6;
    public static final int PONG = 7;
    public static final int GOODBYE = 8;

    /** CALL: deadline in ms (u32), method name length (u16), method name, CBOR array of arguments. */
    public static final int CALL_DEADLINE_OFFSET = HEADER_LENGTH;
    public static final int CALL_METHOD_LENGTH_OFFSET = HEADER_LENGTH + 4;
    public static final int CALL_METHOD_OFFSET = HEADER_LENGTH + 6;
    /** ERROR: code (u16), then a CBOR map. */
    public static final int ERROR_CODE_OFFSET = HEADER_LENGTH;
    public static final int ERROR_PAYLOAD_OFFSET = HEADER_LENGTH + 2;
    /** GOODBYE: code (u16), message length (u16), message (UTF-8). */
    public static final int GOODBYE_CODE_OFFSET = HEADER_LENGTH;
    public static final int GOODBYE_MESSAGE_LENGTH_OFFSET = HEADER_LENGTH + 2;
    public static final int GOODBYE_MESSAGE_OFFSET = HEADER_LENGTH + 4;

    /** The largest frame either side may send unless the CM's WELCOME says otherwise: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 16 << 20;
    /** The least max frame length a session works with: room for the ERROR that says an answer was too large. */
    public static final int MIN_MAX_FRAME_LENGTH = 256;
    /** Calls one side may have in flight towards the other unless the WELCOME says otherwise. */
    public static final int DEFAULT_MAX_CALLS_IN_FLIGHT = 1024;

    private RpcFrame()
    {
    }

    public static boolean isKnownType(final int type)
    {
        return type >= CALL && type <= GOODBYE;
    }

    /**
     * @return the smallest length field a frame of this known type can have.
     */
    public static int minLengthField(final int type)
    {
        return switch (type)
        {
            case CALL -> CALL_METHOD_OFFSET - LENGTH_FIELD_LENGTH;
            case ERROR -> ERROR_PAYLOAD_OFFSET - LENGTH_FIELD_LENGTH;
            case GOODBYE -> GOODBYE_MESSAGE_OFFSET - LENGTH_FIELD_LENGTH;
            default -> MIN_LENGTH_FIELD;
        };
    }

    public static String typeName(final int type)
    {
        return switch (type)
        {
            case CALL -> "CALL";
            case RESULT -> "RESULT";
            case ERROR -> "ERROR";
            case CANCEL -> "CANCEL";
            case RELEASE -> "RELEASE";
            case PING -> "PING";
            case PONG -> "PONG";
            case GOODBYE -> "GOODBYE";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
