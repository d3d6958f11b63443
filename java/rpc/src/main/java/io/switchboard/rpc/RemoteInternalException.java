package io.switchboard.rpc;

/**
 * A bug on the receiver's side (ERROR 10), an error code this side does not know, or an answer that does not
 * decode to the declared return type.
 */
public class RemoteInternalException extends RemoteException
{
    public RemoteInternalException(final int code, final String message)
    {
        super(code, message);
    }

    public RemoteInternalException(final int code, final String message, final Throwable cause)
    {
        super(code, message, cause);
    }
}
