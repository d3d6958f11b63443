package io.switchboard.cm.supervisor;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * The one thread every supervisor transition runs on, and its timers. In the CM a
 * {@link ThreadSupervisorExecutor}; in unit tests an executor driven by the test's clock, which runs a task
 * scheduled 500 ms ahead once the test has moved its clock 500 ms, and never sleeps.
 * <p>
 * Delays are measured on the same clock as the supervisor's {@link NanoClock}.
 */
interface SupervisorExecutor extends AutoCloseable
{
    /**
     * Runs {@code task} on the supervisor's thread, after the tasks already due.
     *
     * @return false if the executor is closed: the task will not run.
     */
    boolean execute(Runnable task);

    /**
     * Runs {@code task} on the supervisor's thread {@code delayNs} from now.
     *
     * @return a handle to cancel it, or null if the executor is closed.
     */
    Future<?> schedule(Runnable task, long delayNs);

    /**
     * Runs {@code task} every {@code periodNs}, the first time {@code periodNs} from now, until closed.
     */
    void repeat(Runnable task, long periodNs);

    /**
     * Runs {@code task} on the supervisor's thread for a caller on another thread, which waits on the future.
     */
    <T> Future<T> submit(Callable<T> task);

    /**
     * Stops: pending tasks are dropped, running ones interrupted.
     */
    @Override
    void close();
}
