package io.switchboard.cm.net;

import io.switchboard.protocol.rpc.RpcFrame;

import java.util.Set;

/**
 * What the CM offers distributed sessions.
 *
 * @param applications     the applications a HELLO may name; others get WELCOME status 2 without a worker being asked.
 * @param maxFrameLength   the largest RPC frame either side of a session may send; a client's HELLO may ask for
 *                         less, and the WELCOME announces the smaller.
 * @param maxCallsInFlight calls one side may have in flight towards the other, announced in the WELCOME.
 * @param idleTimeoutNs    an open session with no frame either way and no call awaiting an answer for this long
 *                         ends with GOODBYE 10 (the client library PINGs to keep its session); 0: never.
 */
public record RpcSettings(Set<String> applications, int maxFrameLength, int maxCallsInFlight, long idleTimeoutNs)
{
    /**
     * Without an idle timeout: sessions last as long as their clients keep them.
     */
    public RpcSettings(final Set<String> applications, final int maxFrameLength, final int maxCallsInFlight)
    {
        this(applications, maxFrameLength, maxCallsInFlight, 0);
    }

    public RpcSettings
    {
        applications = Set.copyOf(applications);
        // below the least a session works with, every worker would refuse every session
        if (maxFrameLength < RpcFrame.MIN_MAX_FRAME_LENGTH || maxCallsInFlight < 1 || idleTimeoutNs < 0)
        {
            throw new IllegalArgumentException("RPC limits too small: maxFrameLength=" + maxFrameLength +
                " (at least " + RpcFrame.MIN_MAX_FRAME_LENGTH + ") maxCallsInFlight=" + maxCallsInFlight +
                " (at least 1)");
        }
    }
}
