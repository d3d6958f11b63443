package io.switchboard.cm.net;

import java.util.Set;

/**
 * What the CM offers distributed sessions.
 *
 * @param applications     the applications a HELLO may name; others get WELCOME status 2 without a worker being asked.
 * @param maxFrameLength   the largest RPC frame either side may send, announced in the WELCOME.
 * @param maxCallsInFlight calls one side may have in flight towards the other, announced in the WELCOME.
 */
public record RpcSettings(Set<String> applications, int maxFrameLength, int maxCallsInFlight)
{
    public RpcSettings
    {
        applications = Set.copyOf(applications);
        if (maxFrameLength < 64 || maxCallsInFlight < 1)
        {
            throw new IllegalArgumentException("RPC limits too small: maxFrameLength=" + maxFrameLength +
                " maxCallsInFlight=" + maxCallsInFlight);
        }
    }
}
