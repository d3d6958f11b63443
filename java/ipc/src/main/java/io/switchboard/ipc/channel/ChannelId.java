package io.switchboard.ipc.channel;

/**
 * A channel id names a slot <em>and</em> the generation it had when opened, so
 * that an id kept past the channel's release (a late frame, a stale handle) is
 * detected and never reaches the slot's next user.
 * <pre>
 *   63                              32 31                               0
 *  +----------------------------------+----------------------------------+
 *  |            generation            |               slot               |
 *  +----------------------------------+----------------------------------+
 * </pre>
 */
public final class ChannelId
{
    /** No channel: what allocation returns when every slot is in use. */
    public static final long NONE = -1L;

    private ChannelId()
    {
    }

    public static long of(final int slot, final int generation)
    {
        return ((long)generation << 32) | (slot & 0xFFFF_FFFFL);
    }

    public static int slot(final long channelId)
    {
        return (int)channelId;
    }

    public static int generation(final long channelId)
    {
        return (int)(channelId >>> 32);
    }

    public static String toString(final long channelId)
    {
        return channelId == NONE ? "none" : slot(channelId) + "/" + generation(channelId);
    }
}
