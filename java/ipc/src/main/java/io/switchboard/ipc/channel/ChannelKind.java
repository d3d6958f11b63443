package io.switchboard.ipc.channel;

/**
 * What a channel carries: one HTTP request and its response (non-distributed),
 * or a whole RPC session (distributed).
 */
public enum ChannelKind
{
    HTTP(1),
    RPC(2);

    private final int code;

    ChannelKind(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /**
     * @return the kind of a code read from shared memory, or null if it names none.
     */
    public static ChannelKind of(final int code)
    {
        return switch (code)
        {
            case 1 -> HTTP;
            case 2 -> RPC;
            default -> null;
        };
    }
}
