package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * The call was cancelled (ERROR 5), by its caller or because the calling thread was interrupted.
 */
public class CallCancelledException extends RemoteException
{
    public CallCancelledException(final String message)
    {
        super(RpcErrorCode.CANCELLED, message);
    }

    public CallCancelledException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.CANCELLED, message, cause);
    }
}
