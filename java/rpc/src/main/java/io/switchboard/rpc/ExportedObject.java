package io.switchboard.rpc;

import io.switchboard.rpc.codec.RemoteInterface;
import java.util.concurrent.Executor;

/**
 * An object of this side that the peer may call: its id, its remote methods, and how its calls run (inline on the
 * reader thread, on the executor at once, or one at a time in order through a {@link SerialLane}). Closing it (the
 * peer released it, or the session ended) runs its close hook in the same order as its calls, so the hook never
 * overlaps a call to an object that is called one call at a time.
 */
final class ExportedObject
{
    private final long id;
    private final Object target;
    private final RemoteInterface remote;
    private final boolean nonBlocking;
    private final Executor executor;
    private final SerialLane lane;
    private volatile boolean closed;

    ExportedObject(
        final long id, final Object target, final RemoteInterface remote, final boolean concurrent,
        final boolean nonBlocking, final Executor executor)
    {
        this.id = id;
        this.target = target;
        this.remote = remote;
        this.nonBlocking = nonBlocking;
        this.executor = executor;
        this.lane = concurrent || nonBlocking ? null : new SerialLane(executor);
    }

    long id()
    {
        return id;
    }

    Object target()
    {
        return target;
    }

    RemoteInterface remote()
    {
        return remote;
    }

    boolean isNonBlocking()
    {
        return nonBlocking;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * Runs a call the way the object's service asks.
     */
    void dispatch(final Runnable call)
    {
        if (nonBlocking)
        {
            call.run();
        }
        else if (lane != null)
        {
            lane.submit(call);
        }
        else
        {
            executor.execute(call);
        }
    }

    /**
     * Marks the object closed and runs its close hook, once, after the calls already queued to it.
     */
    void close(final ErrorReporter errors)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (target instanceof AutoCloseable closeable)
        {
            dispatch(() ->
            {
                try
                {
                    closeable.close();
                }
                catch (final Throwable ex)
                {
                    errors.report("close hook of object " + id + " (" + remote + ") threw", ex);
                }
            });
        }
    }

    @Override
    public String toString()
    {
        return "object " + id + " (" + remote + ")";
    }

    /**
     * Where a session reports failures that have no caller to fail: close hooks, answers that could not be sent.
     */
    @FunctionalInterface
    interface ErrorReporter
    {
        void report(String what, Throwable cause);
    }
}
