package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * The object has no remote method of that name taking that many arguments (ERROR 3).
 */
public class NoSuchRemoteMethodException extends RemoteException
{
    public NoSuchRemoteMethodException(final String message)
    {
        super(RpcErrorCode.NO_SUCH_METHOD, message);
    }

    public NoSuchRemoteMethodException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.NO_SUCH_METHOD, message, cause);
    }
}
