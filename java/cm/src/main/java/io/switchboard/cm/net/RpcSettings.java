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
 */
public record RpcSettings(Set<String> applications, int maxFrameLength, int maxCallsInFlight)
{
    public RpcSettings
    {
        applications = Set.copyOf(applications);
        // below the least a session works with, every worker would refuse every session
        if (maxFrameLength < RpcFrame.MIN_MAX_FRAME_LENGTH || maxCallsInFlight < 1)
        {
            throw new IllegalArgumentException("RPC limits too small: maxFrameLength=" + maxFrameLength +
                " (at least " + RpcFrame.MIN_MAX_FRAME_LENGTH + ") maxCallsInFlight=" + maxCallsInFlight +
                " (at least 1)");
        }
    }
}
