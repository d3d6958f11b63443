package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;
import java.util.List;

/**
 * The remote method threw (ERROR 1). Carries the thrower's type name, message and a stack summary as texts: the
 * type name is for people and is never used to load a class.
 */
public class RemoteApplicationException extends RemoteException
{
    private final String remoteType;
    private final String remoteMessage;
    private final List<String> remoteStack;

    public RemoteApplicationException(
        final String remoteType, final String remoteMessage, final List<String> remoteStack, final String where)
    {
        super(RpcErrorCode.APPLICATION, remoteType + ": " + remoteMessage + " (thrown by " + where + ")");
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
        this.remoteStack = List.copyOf(remoteStack);
    }

    /**
     * @return the fully qualified name of the exception's class on the remote side, as text.
     */
    public String remoteType()
    {
        return remoteType;
    }

    public String remoteMessage()
    {
        return remoteMessage;
    }

    /**
     * @return at most 32 frames, {@code class.method(file:line)}, innermost first.
     */
    public List<String> remoteStack()
    {
        return remoteStack;
    }
}
