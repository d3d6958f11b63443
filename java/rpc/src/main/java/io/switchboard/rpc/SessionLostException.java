package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * The session ended while the call was in flight, or before it was made: the peer said goodbye, the transport dropped, or a protocol error ended it. The call's fate is unknown.
 */
public class SessionLostException extends RemoteException
{
    public SessionLostException(final String message)
    {
        super(RpcErrorCode.SESSION_LOST, message);
    }

    public SessionLostException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.SESSION_LOST, message, cause);
    }
}
