package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * The object id names no live object of the receiver (ERROR 2), or the proxy was released.
 */
public class NoSuchRemoteObjectException extends RemoteException
{
    public NoSuchRemoteObjectException(final String message)
    {
        super(RpcErrorCode.NO_SUCH_OBJECT, message);
    }

    public NoSuchRemoteObjectException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.NO_SUCH_OBJECT, message, cause);
    }
}
