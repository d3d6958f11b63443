package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;

/**
 * Why a remote call failed. Unchecked: a remote interface declares what it does, not how the network fails. Each
 * protocol error code has its subclass; the message says what happened and where (interface, method, object id).
 */
public class RemoteException extends RuntimeException
{
    private final int code;

    public RemoteException(final int code, final String message)
    {
        super(message);
        this.code = code;
    }

    public RemoteException(final int code, final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = code;
    }

    /**
     * @return the ERROR code of {@link RpcErrorCode} this failure stands for.
     */
    public int code()
    {
        return code;
    }

    /**
     * Maps an ERROR frame to its exception. The type name and stack are texts for people; no class is loaded.
     */
    public static RemoteException fromError(
        final int code, final String message, final String type, final java.util.List<String> stack, final String where)
    {
        final String text = RpcErrorCode.name(code) + " from " + where + ": " + message;
        return switch (code)
        {
            case RpcErrorCode.APPLICATION -> new RemoteApplicationException(type, message, stack, where);
            case RpcErrorCode.NO_SUCH_OBJECT -> new NoSuchRemoteObjectException(text);
            case RpcErrorCode.NO_SUCH_METHOD -> new NoSuchRemoteMethodException(text);
            case RpcErrorCode.BAD_ARGUMENTS -> new BadArgumentsException(text);
            case RpcErrorCode.CANCELLED -> new CallCancelledException(text);
            case RpcErrorCode.DEADLINE_EXCEEDED -> new DeadlineExceededException(text);
            case RpcErrorCode.LIMIT_EXCEEDED -> new LimitExceededException(text);
            case RpcErrorCode.SESSION_LOST -> new SessionLostException(text);
            case RpcErrorCode.SHUTTING_DOWN -> new ShuttingDownException(text);
            default -> new RemoteInternalException(code, text);
        };
    }
}
