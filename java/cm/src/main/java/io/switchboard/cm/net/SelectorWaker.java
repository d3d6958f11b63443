package io.switchboard.cm.net;

import io.switchboard.ipc.signal.EventCount;

import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>
 * The waker sleeps on the futex all the time, armed or not, on the epoch it last
 * read: the epoch moves only when a signal finds the I/O thread announced, and
 * then the futex is woken, so a sleeping waker is always on the current epoch.
 * Arming is therefore a plain store, with no system call and no wake-up of the
 * waker on every block of the I/O thread; a disarmed waker that a signal wakes
 * (the I/O thread woke for a socket first) just sleeps again.
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
     * and before it blocks in select; it must then check that the epoch is still
     * {@code key} and not block if it moved (the waker may have seen that signal
     * before it was armed).
     */
    void arm(final int key)
    {
        armedKey.set(key & 0xFFFF_FFFFL);
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
        int epoch = eventCount.epoch();
        while (running)
        {
            // the epoch read before the armed key: a key armed after this read is this epoch or a later one,
            // and a later one means the futex word moved and the sleep below returns at once
            final long key = armedKey.get();
            if (key != DISARMED && key != (epoch & 0xFFFF_FFFFL))
            {
                // the I/O thread announced itself and the epoch moved since: wake it now
                if (armedKey.compareAndSet(key, DISARMED))
                {
                    selector.wakeup();
                }
                epoch = eventCount.epoch();
                continue;
            }
            eventCount.sleep(epoch, SLEEP_TIMEOUT_NS);
            final int now = eventCount.epoch();
            if (now != epoch)
            {
                epoch = now;
                final long armed = armedKey.get();
                if (armed != DISARMED && armedKey.compareAndSet(armed, DISARMED))
                {
                    selector.wakeup();
                }
            }
        }
    }

    public void close()
    {
        running = false;
        // the waker sleeps on the futex: a bump of the epoch with a wake gets it out
        eventCount.prepareWait();
        eventCount.signal();
        eventCount.cancelWait();
    }
}
