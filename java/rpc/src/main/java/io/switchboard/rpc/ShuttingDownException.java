package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * The receiver is stopping and takes no new calls (ERROR 9).
 */
public class ShuttingDownException extends RemoteException
{
    public ShuttingDownException(final String message)
    {
        super(RpcErrorCode.SHUTTING_DOWN, message);
    }

    public ShuttingDownException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.SHUTTING_DOWN, message, cause);
    }
}
