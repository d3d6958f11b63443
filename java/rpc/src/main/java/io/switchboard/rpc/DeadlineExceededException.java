package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * No answer within the call's deadline (ERROR 6), detected by the caller or by the receiver.
 */
public class DeadlineExceededException extends RemoteException
{
    public DeadlineExceededException(final String message)
    {
        super(RpcErrorCode.DEADLINE_EXCEEDED, message);
    }

    public DeadlineExceededException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.DEADLINE_EXCEEDED, message, cause);
    }
}
