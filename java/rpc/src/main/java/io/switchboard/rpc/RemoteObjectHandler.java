package io.switchboard.rpc;

import io.switchboard.rpc.codec.MethodCodec;
import io.switchboard.rpc.codec.RemoteInterface;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Behind every proxy of a peer's object: turns a method call into a CALL frame and waits for its answer (or, for a
 * method returning a future, returns the call's future at once). {@code close()} inherited from
 * {@link AutoCloseable} releases the object; {@code equals}, {@code hashCode} and {@code toString} stay local.
 */
final class RemoteObjectHandler implements InvocationHandler
{
    private static final Object[] NO_ARGUMENTS = new Object[0];

    private final RpcSession session;
    private final OutgoingCalls calls;
    private final ImportedObject imported;
    private final RemoteInterface remote;
    private final long deadlineMs;

    RemoteObjectHandler(
        final RpcSession session,
        final OutgoingCalls calls,
        final ImportedObject imported,
        final RemoteInterface remote,
        final long deadlineMs)
    {
        this.session = session;
        this.calls = calls;
        this.imported = imported;
        this.remote = remote;
        this.deadlineMs = deadlineMs;
    }

    static RemoteObjectHandler of(final Object proxy)
    {
        if (proxy != null && Proxy.isProxyClass(proxy.getClass()) &&
            Proxy.getInvocationHandler(proxy) instanceof RemoteObjectHandler handler)
        {
            return handler;
        }
        return null;
    }

    RpcSession session()
    {
        return session;
    }

    ImportedObject imported()
    {
        return imported;
    }

    RemoteInterface remote()
    {
        return remote;
    }

    RemoteObjectHandler withDeadline(final long deadlineMs)
    {
        return new RemoteObjectHandler(session, calls, imported, remote, deadlineMs);
    }

    @Override
    public Object invoke(final Object proxy, final Method method, final Object[] args) throws Throwable
    {
        final MethodCodec codec = remote.codec(method);
        if (codec != null)
        {
            return calls.invoke(imported, codec, args == null ? NO_ARGUMENTS : args, deadlineMs);
        }
        if (method.getDeclaringClass() == Object.class)
        {
            return switch (method.getName())
            {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "Proxy[" + remote + ", object " + imported.id() + " of " + session + "]";
            };
        }
        if (RemoteInterface.isReleaseMethod(method))
        {
            session.release(proxy);
            return null;
        }
        if (method.isDefault())
        {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        throw new UnsupportedOperationException(method + " is not a remote method of " + remote);
    }
}
