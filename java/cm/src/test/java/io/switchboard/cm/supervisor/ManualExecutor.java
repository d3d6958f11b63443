package io.switchboard.cm.supervisor;

import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor's thread and clock in a unit test: nothing runs until the test says so, and time moves only
 * when the test moves it. {@link #advanceMs} runs every task that falls due on the way, each at its due time
 * (the clock reads that time while it runs), in due order, ties in the order they were scheduled, so a task
 * scheduled 500 ms ahead runs once the test has moved 500 ms, and no test sleeps.
 * <p>
 * Thread-safe, so that a test may call a blocking method (such as {@code start()}) on another thread while it
 * drives the clock; tasks run on the thread that calls {@link #runDue()} or {@link #advanceMs}.
 */
final class ManualExecutor implements SupervisorExecutor, NanoClock
{
    /** Far from zero, so that a reading of 0 (a slot never written) is never "now". */
    private static final long ORIGIN_NS = TimeUnit.HOURS.toNanos(1);

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long nowNs = ORIGIN_NS;
    private long sequence;
    private boolean closed;

    private record Task(long dueNs, long sequence, FutureTask<?> future, long periodNs) implements Comparable<Task>
    {
        public int compareTo(final Task other)
        {
            final int byDue = Long.compare(dueNs, other.dueNs);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }

    @Override
    public synchronized long nanoTime()
    {
        return nowNs;
    }

    /**
     * @return milliseconds since the clock started, for messages.
     */
    synchronized long elapsedMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(nowNs - ORIGIN_NS);
    }

    @Override
    public synchronized boolean execute(final Runnable task)
    {
        return enqueue(new FutureTask<>(task, null), 0, 0) != null;
    }

    @Override
    public synchronized Future<?> schedule(final Runnable task, final long delayNs)
    {
        return enqueue(new FutureTask<>(task, null), delayNs, 0);
    }

    @Override
    public synchronized void repeat(final Runnable task, final long periodNs)
    {
        enqueue(new PeriodicFutureTask(task), periodNs, periodNs);
    }

    @Override
    public synchronized <T> Future<T> submit(final Callable<T> task)
    {
        return enqueue(new FutureTask<>(task), 0, 0);
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        tasks.clear();
    }

    /**
     * Runs every task due now, including those they make due now.
     */
    void runDue()
    {
        runUntil(nanoTime());
    }

    /**
     * Moves the clock {@code ms} ahead, running every task due on the way at its due time.
     */
    void advanceMs(final long ms)
    {
        runUntil(nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private void runUntil(final long targetNs)
    {
        while (true)
        {
            final Task next;
            synchronized (this)
            {
                if (tasks.isEmpty() || tasks.peek().dueNs() > targetNs)
                {
                    nowNs = Math.max(nowNs, targetNs);
                    return;
                }
                next = tasks.poll();
                nowNs = Math.max(nowNs, next.dueNs());
            }
            if (next.future().isCancelled())
            {
                continue;
            }
            if (next.periodNs() > 0)
            {
                // a periodic task's future must not complete: runAndReset leaves it ready for the next period
                runPeriodic(next);
            }
            else
            {
                next.future().run();
                rethrowFailure(next.future());
            }
        }
    }

    private void runPeriodic(final Task task)
    {
        final PeriodicFutureTask periodic = (PeriodicFutureTask)task.future();
        if (!periodic.runOnce())
        {
            rethrowFailure(periodic);
        }
        synchronized (this)
        {
            if (!closed)
            {
                tasks.add(new Task(nowNs + task.periodNs(), sequence++, periodic, task.periodNs()));
            }
        }
    }

    private synchronized <T> FutureTask<T> enqueue(final FutureTask<T> future, final long delayNs, final long periodNs)
    {
        if (closed)
        {
            return null;
        }
        tasks.add(new Task(nowNs + delayNs, sequence++, future, periodNs));
        return future;
    }

    /**
     * A task's exception is the test's failure, not something to lose in a future nobody reads.
     */
    private static void rethrowFailure(final Future<?> future)
    {
        if (!future.isDone() || future.isCancelled())
        {
            return;
        }
        try
        {
            future.get();
        }
        catch (final Exception ex)
        {
            throw new AssertionError("a supervisor task failed", ex.getCause() == null ? ex : ex.getCause());
        }
    }

    /**
     * Runs its task again and again; fails (and so is done) only if the task throws.
     */
    private static final class PeriodicFutureTask extends FutureTask<Object>
    {
        PeriodicFutureTask(final Runnable task)
        {
            super(task, null);
        }

        boolean runOnce()
        {
            return runAndReset();
        }
    }
}
