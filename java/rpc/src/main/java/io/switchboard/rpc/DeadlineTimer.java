package io.switchboard.rpc;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one deadline thread of every session in the JVM: deadlines of async calls on the caller's side and of every
 * call on the receiver's. Its tasks only complete a future or hand work to a session's executor, never block.
 * <p>
 * Nearly every deadline is cancelled long before it is due (the call is answered in microseconds), so arming one
 * must be cheap and must not wake a thread. A {@code ScheduledThreadPoolExecutor} did both badly: a lock and a heap
 * per call, and, whenever its queue had been empty (one call at a time), a futex wake of its thread for every call.
 * Here arming is a lock-free append; the thread sweeps every {@link #TICK_MS} ms while deadlines are armed, dropping
 * cancelled ones and running due ones, and sleeps until woken when none have been armed for a while. Deadlines
 * therefore fire up to one tick late, which is well inside the protocol's millisecond resolution.
 */
final class DeadlineTimer
{
    static final long TICK_MS = 10;
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(TICK_MS);
    /** Empty sweeps before the thread sleeps until a deadline is armed: a second of no deadlines at all. */
    private static final int EMPTY_SWEEPS_BEFORE_SLEEP = 100;

    private static final ConcurrentLinkedQueue<Deadline> ARMED = new ConcurrentLinkedQueue<>();
    private static volatile Thread sleeper;

    static
    {
        startSweeper();
    }

    private DeadlineTimer()
    {
    }

    /**
     * An armed deadline; {@link #cancel()} when the call is answered.
     */
    static final class Deadline
    {
        private final Runnable task;
        private final long dueNs;
        private volatile boolean cancelled;

        private Deadline(final Runnable task, final long dueNs)
        {
            this.task = task;
            this.dueNs = dueNs;
        }

        void cancel()
        {
            cancelled = true;
        }
    }

    /**
     * Arms a deadline: {@code task} runs on the deadline thread about {@code delayMs} from now unless cancelled.
     */
    static Deadline schedule(final Runnable task, final long delayMs)
    {
        final Deadline deadline = new Deadline(task, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs));
        ARMED.add(deadline);
        final Thread asleep = sleeper;
        if (asleep != null)
        {
            LockSupport.unpark(asleep);
        }
        return deadline;
    }

    private static void startSweeper()
    {
        final Thread thread = new Thread(DeadlineTimer::sweepForever, "switchboard-rpc-deadlines");
        thread.setDaemon(true);
        thread.start();
    }

    private static void sweepForever()
    {
        int emptySweeps = 0;
        while (true)
        {
            if (ARMED.isEmpty())
            {
                if (++emptySweeps >= EMPTY_SWEEPS_BEFORE_SLEEP)
                {
                    // announce, then look again: an arm that came before the announcement is seen here,
                    // one that came after it unparks us
                    sleeper = Thread.currentThread();
                    if (ARMED.isEmpty())
                    {
                        LockSupport.park(DeadlineTimer.class);
                    }
                    sleeper = null;
                    emptySweeps = 0;
                    continue;
                }
            }
            else
            {
                emptySweeps = 0;
                sweep(System.nanoTime());
            }
            LockSupport.parkNanos(DeadlineTimer.class, TICK_NS);
        }
    }

    private static void sweep(final long nowNs)
    {
        final Iterator<Deadline> deadlines = ARMED.iterator();
        while (deadlines.hasNext())
        {
            final Deadline deadline = deadlines.next();
            if (deadline.cancelled)
            {
                deadlines.remove();
            }
            else if (nowNs - deadline.dueNs >= 0)
            {
                deadlines.remove();
                try
                {
                    deadline.task.run();
                }
                catch (final RuntimeException ex)
                {
                    System.getLogger(DeadlineTimer.class.getName()).log(System.Logger.Level.WARNING,
                        "a deadline task failed", ex);
                }
            }
        }
    }
}
