package io.switchboard.protocol.rpc;

/**
 * The codes of a GOODBYE frame: why a session ended (docs/rpc-protocol.md, section 7).
 */
public final class RpcGoodbyeCode
{
    public static final int NORMAL = 0;
    /** The sender received something it could not parse; the message says what. */
    public static final int PROTOCOL_ERROR = 7;
    /** The worker died, or the CM lost it: the fate of calls in flight is unknown. */
    public static final int SESSION_LOST = 8;
    public static final int SHUTTING_DOWN = 9;
    /** The CM ended a session with no traffic and no call awaited for its --rpc-idle-timeout-ms. */
    public static final int IDLE_TIMEOUT = 10;

    private RpcGoodbyeCode()
    {
    }

    public static String name(final int code)
    {
        return switch (code)
        {
            case NORMAL -> "NORMAL";
            case PROTOCOL_ERROR -> "PROTOCOL_ERROR";
            case SESSION_LOST -> "SESSION_LOST";
            case IDLE_TIMEOUT -> "IDLE_TIMEOUT";
            case SHUTTING_DOWN -> "SHUTTING_DOWN";
            default -> "UNKNOWN(" + code + ")";
        };
    }
}
