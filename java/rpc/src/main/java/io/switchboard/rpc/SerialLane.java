package io.switchboard.rpc;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the tasks given to it one at a time, in the order given, on an executor: the calls to one object whose
 * service does not allow concurrency. At most one executor task drains the lane at any moment; it is started on the
 * empty-to-non-empty edge, so a busy object costs no extra hand-off per call.
 */
final class SerialLane implements Runnable
{
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Executor executor;

    SerialLane(final Executor executor)
    {
        this.executor = executor;
    }

    void submit(final Runnable task)
    {
        tasks.add(task);
        if (pending.getAndIncrement() == 0)
        {
            executor.execute(this);
        }
    }

    @Override
    public void run()
    {
        do
        {
            final Runnable task = tasks.poll();
            try
            {
                task.run();
            }
            finally
            {
                // an interrupt meant for this task (a cancel) must not hit the next
                Thread.interrupted();
            }
        }
        while (pending.decrementAndGet() != 0);
    }
}
