package io.switchboard.rpc.codec;

/**
 * An object reference as it travels: CBOR tag 55801 wrapping {@code [owner, id]}.
 *
 * @param owner {@link #SENDER} or {@link #RECEIVER}: whose object it is, seen from the frame's sender.
 */
public record RemoteRef(int owner, long id)
{
    public static final int TAG = 55801;
    public static final int SENDER = 0;
    public static final int RECEIVER = 1;
}
