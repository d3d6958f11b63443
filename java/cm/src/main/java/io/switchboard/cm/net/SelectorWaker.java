package io.switchboard.cm.net;

import io.switchboard.ipc.signal.EventCount;

import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Bridges a futex and a selector. A CM I/O thread blocks in epoll (its
 * {@link Selector}), which cannot wait on a futex; workers signal the I/O
 * thread's doorbell through an {@link EventCount}. Before it blocks, the I/O
 * thread announces itself on the eventcount and {@link #arm arms} this waker,
 * whose thread sleeps on the futex and wakes the selector when the epoch moves.
 * <p>
 * While the I/O thread is busy it is not announced, so workers make no system
 * call to signal it: the waker costs something only on the idle-to-busy edge
 * (a futex wake, then the selector's own wake-up).
 */
final class SelectorWaker implements AutoCloseable
{
    private static final long DISARMED = -1;
    private static final long SLEEP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    private final EventCount eventCount;
    private final Selector selector;
    private final AtomicLong armedKey = new AtomicLong(DISARMED);
    private final Thread thread;
    private volatile boolean running = true;

    SelectorWaker(final EventCount eventCount, final Selector selector, final String name)
    {
        this.eventCount = eventCount;
        this.selector = selector;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * I/O thread, after {@link EventCount#prepareWait()} returned {@code key}
     * and before it blocks in select.
     */
    void arm(final int key)
    {
        armedKey.set(key & 0xFFFF_FFFFL);
        LockSupport.unpark(thread);
    }

    /**
     * I/O thread, after select returned (before {@link EventCount#cancelWait()}).
     */
    void disarm()
    {
        armedKey.set(DISARMED);
    }

    private void run()
    {
        while (running)
        {
            final long key = armedKey.get();
            if (key == DISARMED)
            {
                LockSupport.park(this);
                continue;
            }

            final boolean moved = eventCount.sleep((int)key, SLEEP_TIMEOUT_NS);
            if (moved && armedKey.compareAndSet(key, DISARMED))
            {
                selector.wakeup();
            }
        }
    }

    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        eventCount.signal();
    }
}
