package io.switchboard.protocol.rpc;

/**
 * The codes of an ERROR frame: why a call failed (docs/rpc-protocol.md, section 5).
 */
public final class RpcErrorCode
{
    /** The method threw; the map carries its type name, message and stack summary. */
    public static final int APPLICATION = 1;
    public static final int NO_SUCH_OBJECT = 2;
    public static final int NO_SUCH_METHOD = 3;
    public static final int BAD_ARGUMENTS = 4;
    public static final int CANCELLED = 5;
    public static final int DEADLINE_EXCEEDED = 6;
    public static final int LIMIT_EXCEEDED = 7;
    public static final int SESSION_LOST = 8;
    public static final int SHUTTING_DOWN = 9;
    public static final int INTERNAL = 10;

    private RpcErrorCode()
    {
    }

    public static String name(final int code)
    {
        return switch (code)
        {
            case APPLICATION -> "APPLICATION";
            case NO_SUCH_OBJECT -> "NO_SUCH_OBJECT";
            case NO_SUCH_METHOD -> "NO_SUCH_METHOD";
            case BAD_ARGUMENTS -> "BAD_ARGUMENTS";
            case CANCELLED -> "CANCELLED";
            case DEADLINE_EXCEEDED -> "DEADLINE_EXCEEDED";
            case LIMIT_EXCEEDED -> "LIMIT_EXCEEDED";
            case SESSION_LOST -> "SESSION_LOST";
            case SHUTTING_DOWN -> "SHUTTING_DOWN";
            case INTERNAL -> "INTERNAL";
            default -> "UNKNOWN(" + code + ")";
        };
    }
}
