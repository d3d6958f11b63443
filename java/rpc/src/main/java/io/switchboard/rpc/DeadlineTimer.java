package io.switchboard.rpc;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of every session in the JVM: deadlines of async calls on the caller's side and of every call
 * on the receiver's. Its tasks only complete a future or hand work to a session's executor, never block.
 */
final class DeadlineTimer
{
    private static final ScheduledThreadPoolExecutor TIMER = newTimer();

    private DeadlineTimer()
    {
    }

    private static ScheduledThreadPoolExecutor newTimer()
    {
        final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task ->
        {
            final Thread thread = new Thread(task, "switchboard-rpc-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        // a call answered in time cancels its deadline: drop it at once rather than at its time
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    static ScheduledFuture<?> schedule(final Runnable task, final long delayMs)
    {
        return TIMER.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }
}
