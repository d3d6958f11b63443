package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * A limit of the session was hit (ERROR 7): calls in flight, or a frame over the maximum length.
 */
public class LimitExceededException extends RemoteException
{
    public LimitExceededException(final String message)
    {
        super(RpcErrorCode.LIMIT_EXCEEDED, message);
    }

    public LimitExceededException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.LIMIT_EXCEEDED, message, cause);
    }
}
