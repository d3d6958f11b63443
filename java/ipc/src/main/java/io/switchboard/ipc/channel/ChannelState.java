package io.switchboard.ipc.channel;

/**
 * The state of a channel slot. FREE, then OPEN when the CM dispatches a request
 * or starts a session, then CLOSING when either side ends it, then FREE again
 * with the generation increased.
 */
public final class ChannelState
{
    public static final int FREE = 0;
    public static final int OPEN = 1;
    public static final int CLOSING = 2;

    private ChannelState()
    {
    }

    public static String name(final int state)
    {
        return switch (state)
        {
            case FREE -> "FREE";
            case OPEN -> "OPEN";
            case CLOSING -> "CLOSING";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
