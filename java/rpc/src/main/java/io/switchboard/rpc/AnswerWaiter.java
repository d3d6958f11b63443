package io.switchboard.rpc;

import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * How a thread making a synchronous call waits for its answer. The default parks until the session completes the
 * call (completion unparks the waiting thread). A transport may do better: the client lets a waiting thread read
 * the socket itself while no other thread does, so the answer needs no hand-off between threads.
 */
@FunctionalInterface
public interface AnswerWaiter
{
    /**
     * Returns when {@code call} is done, or {@code deadlineNs} ({@link System#nanoTime()} based;
     * {@link Long#MAX_VALUE} for none) has passed, whichever is first. The session unparks the calling thread
     * ({@link LockSupport#unpark}) when the call completes.
     *
     * @throws InterruptedException when the waiting thread is interrupted: the session then cancels the call.
     */
    void await(Future<?> call, long deadlineNs) throws InterruptedException;

    /**
     * A call a thread waits for synchronously was completed by the current thread (the reader delivering, a
     * deadline, the session's end), just before the waiting thread is unparked.
     */
    default void answered()
    {
    }

    /**
     * An asynchronous call was sent: nobody waits for its answer in {@link #await}, so a transport that reads only
     * for waiting threads must read for it soon.
     */
    default void asyncCallSent()
    {
    }

    /**
     * Parks until done.
     */
    AnswerWaiter PARKING = (call, deadlineNs) ->
    {
        while (!call.isDone())
        {
            if (deadlineNs == Long.MAX_VALUE)
            {
                LockSupport.park(call);
            }
            else
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    return;
                }
                LockSupport.parkNanos(call, remainingNs);
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
        }
    };
}
