package io.switchboard.client;

import io.switchboard.rpc.RpcSession;
import io.switchboard.rpc.ServiceOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A distributed session with a worker of one application, over one TCP connection to the CM. Thread-safe: any
 * number of threads may call through its proxies at once, with many calls in flight.
 * <pre>{@code
 * try (Session session = Switchboard.connect("localhost", 7070, "echo"))
 * {
 *     Echo echo = session.lookup("echo", Echo.class);
 *     byte[] back = echo.echo(bytes);
 * }
 * }</pre>
 * If the connection drops, every call in flight fails at once with
 * {@link io.switchboard.rpc.SessionLostException}, and so does every later call; each
 * {@link #onLost(SessionLostListener) listener} is told once, so the application can open a new session.
 * <p>
 * When the CM drains, it sends GOODBYE 9 (docs/rpc-protocol.md 3.3): the listeners are told then, and
 * {@link #isEnding()} turns true. Calls already sent, including those that crossed the notice on the wire, are
 * still answered; a call started after it fails at once with {@link io.switchboard.rpc.SessionLostException}
 * without being sent. Once the calls are answered, the session says GOODBYE and closes by itself.
 */
public final class Session implements AutoCloseable
{
    private final RpcSession rpc;
    private final SocketConnection connection;
    private final String application;

    Session(final RpcSession rpc, final SocketConnection connection, final String application)
    {
        this.rpc = rpc;
        this.connection = connection;
        this.application = application;
    }

    /**
     * Looks a service up on the worker: a new object of it for this session (the shared one for a shared service).
     *
     * @param iface the service's {@link io.switchboard.rpc.Remote} interface, or a twin of it whose methods
     * return {@link CompletableFuture}s.
     * @throws io.switchboard.rpc.NoSuchRemoteObjectException when the application deploys no such service.
     */
    public <T> T lookup(final String name, final Class<T> iface)
    {
        return rpc.lookup(name, iface);
    }

    /**
     * Exports a callback object the worker may call through {@code iface}. Passing an object implementing a
     * {@link io.switchboard.rpc.Remote} interface as an argument exports it too; this sets its interface and options.
     *
     * @return its object id in the session.
     */
    public long export(final Object target, final Class<?> iface, final ServiceOption... options)
    {
        return rpc.export(target, iface, options);
    }

    /**
     * @return a proxy of the same worker object whose calls have this deadline ({@link Duration#ZERO}: none).
     */
    public <T> T withDeadline(final T proxy, final Duration deadline)
    {
        return rpc.withDeadline(proxy, deadline);
    }

    /**
     * Releases a worker object: its close hook runs on the worker.
     */
    public void release(final Object proxy)
    {
        rpc.release(proxy);
    }

    public CompletableFuture<Void> ping()
    {
        return rpc.ping();
    }

    public long sessionId()
    {
        return rpc.sessionId();
    }

    public String application()
    {
        return application;
    }

    public boolean isOpen()
    {
        return rpc.isOpen();
    }

    /**
     * @return true once the CM announced the end of the session (GOODBYE 9, at a drain): no call starts on it from
     * then on; open a new session for new calls.
     */
    public boolean isEnding()
    {
        return rpc.endingReason() != null;
    }

    /**
     * Registers {@code listener} to be told, once, when this session is lost (ended by anything but its own
     * {@link #close()}), or announced to end (the CM's GOODBYE 9: the calls sent are still answered). Registered after the loss, it is told at once; after a {@link #close()}, never.
     */
    public void onLost(final SessionLostListener listener)
    {
        java.util.Objects.requireNonNull(listener, "listener");
        rpc.ended().thenAcceptAsync(cause ->
        {
            if (cause != null)
            {
                listener.onSessionLost(this, cause);
            }
        }, RpcSession.VIRTUAL_THREAD_EXECUTOR);
    }

    /**
     * @return the engine underneath, for what this class does not wrap.
     */
    public RpcSession rpcSession()
    {
        return rpc;
    }

    /**
     * @return {writes to the socket, frames sent}: how well frames are coalesced (for measurements).
     */
    public long[] writeCounters()
    {
        return connection.writeCounters();
    }

    /**
     * Says GOODBYE and closes the connection; calls in flight fail with
     * {@link io.switchboard.rpc.SessionLostException}.
     */
    @Override
    public void close()
    {
        rpc.close();
    }

    @Override
    public String toString()
    {
        return rpc.toString();
    }
}
