package io.switchboard.cm.supervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor's thread in the CM: one daemon thread, {@code switchboard-supervisor}, with the JDK's scheduler
 * (which measures delays with {@link System#nanoTime()}, the clock of {@link NanoClock#SYSTEM}).
 * <p>
 * A task that throws is logged and the thread goes on: a periodic check that threw once must not stop checking,
 * which is what a bare {@link ScheduledExecutorService} would do.
 */
final class ThreadSupervisorExecutor implements SupervisorExecutor
{
    private static final Logger LOG = LoggerFactory.getLogger(ThreadSupervisorExecutor.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "switchboard-supervisor");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public boolean execute(final Runnable task)
    {
        try
        {
            scheduler.execute(guarded(task));
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    @Override
    public Future<?> schedule(final Runnable task, final long delayNs)
    {
        try
        {
            return scheduler.schedule(guarded(task), delayNs, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            return null;
        }
    }

    @Override
    public void repeat(final Runnable task, final long periodNs)
    {
        try
        {
            scheduler.scheduleWithFixedDelay(guarded(task), periodNs, periodNs, TimeUnit.NANOSECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            // closed: nothing to check any more
        }
    }

    @Override
    public <T> Future<T> submit(final Callable<T> task)
    {
        return scheduler.submit(task);
    }

    @Override
    public void close()
    {
        scheduler.shutdownNow();
    }

    private static Runnable guarded(final Runnable task)
    {
        return () ->
        {
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                LOG.error("supervisor task failed; the supervisor goes on", ex);
            }
        };
    }
}
