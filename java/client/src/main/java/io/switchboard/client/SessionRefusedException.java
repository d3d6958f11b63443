package io.switchboard.client;

import io.switchboard.protocol.rpc.RpcHandshake;

/**
 * The CM answered the HELLO with a status other than OK (docs/rpc-protocol.md, section 2.2).
 */
public class SessionRefusedException extends RuntimeException
{
    private final int status;
    private final String cmMessage;

    public SessionRefusedException(final String endpoint, final String application, final int status,
        final String cmMessage)
    {
        super("CM at " + endpoint + " refused a session for application '" + application + "': status " + status +
            " " + RpcHandshake.statusName(status) + ": " + cmMessage);
        this.status = status;
        this.cmMessage = cmMessage;
    }

    /**
     * @return one of {@code RpcHandshake.STATUS_...}.
     */
    public int status()
    {
        return status;
    }

    public String statusName()
    {
        return RpcHandshake.statusName(status);
    }

    /**
     * @return the CM's text, for people.
     */
    public String cmMessage()
    {
        return cmMessage;
    }
}
