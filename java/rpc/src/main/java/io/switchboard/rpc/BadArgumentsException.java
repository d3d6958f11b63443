package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * The arguments did not decode to the method's parameter types on the receiver (ERROR 4).
 */
public class BadArgumentsException extends RemoteException
{
    public BadArgumentsException(final String message)
    {
        super(RpcErrorCode.BAD_ARGUMENTS, message);
    }

    public BadArgumentsException(final String message, final Throwable cause)
    {
        super(RpcErrorCode.BAD_ARGUMENTS, message, cause);
    }
}
