package io.switchboard.rpc;

import io.switchboard.rpc.codec.MethodCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A call this side sent and has not seen answered: the future its caller holds. Whatever completes it first (the
 * answer, the local deadline, a cancel, the session's end) removes it from the session's table of calls in flight
 * and wakes the thread waiting for it; later answers find no entry and are ignored.
 * <p>
 * Cancelling it ({@link #cancel}) also sends CANCEL, so the receiver can stop.
 */
final class OutgoingCall extends CompletableFuture<Object>
{
    private final OutgoingCalls calls;
    private final long callId;
    private final long objectId;
    private final MethodCodec method;
    private final long deadlineMs;
    /** The thread blocked in a sync call waiting for this answer, woken on completion. */
    volatile Thread waiter;
    /** The local deadline of an async call; null for a sync call, whose waiting thread keeps the deadline. */
    volatile DeadlineTimer.Deadline timer;

    OutgoingCall(final OutgoingCalls calls, final long callId, final long objectId, final MethodCodec method,
        final long deadlineMs)
    {
        this.calls = calls;
        this.callId = callId;
        this.objectId = objectId;
        this.method = method;
        this.deadlineMs = deadlineMs;
    }

    long callId()
    {
        return callId;
    }

    MethodCodec method()
    {
        return method;
    }

    long deadlineMs()
    {
        return deadlineMs;
    }

    /**
     * @return where the call went, for messages: {@code Echo.echo on object 3}.
     */
    String where()
    {
        return method.qualifiedName() + " on object " + objectId + " (call " + callId + ")";
    }

    @Override
    public boolean complete(final Object value)
    {
        if (super.complete(value))
        {
            finished();
            return true;
        }
        return false;
    }

    @Override
    public boolean completeExceptionally(final Throwable failure)
    {
        if (super.completeExceptionally(failure))
        {
            finished();
            return true;
        }
        return false;
    }

    @Override
    public boolean cancel(final boolean mayInterruptIfRunning)
    {
        if (super.cancel(mayInterruptIfRunning))
        {
            finished();
            calls.sendCancel(callId);
            return true;
        }
        return false;
    }

    /**
     * Fails the call at its deadline, unless it was answered.
     */
    void expire()
    {
        completeExceptionally(new DeadlineExceededException(
            "DEADLINE_EXCEEDED: " + where() + " had no answer within its deadline of " + deadlineMs + " ms"));
    }

    private void finished()
    {
        calls.forget(callId);
        final DeadlineTimer.Deadline deadline = timer;
        if (deadline != null)
        {
            deadline.cancel();
        }
        final Thread thread = waiter;
        if (thread != null)
        {
            calls.answered();
            LockSupport.unpark(thread);
        }
    }
}
