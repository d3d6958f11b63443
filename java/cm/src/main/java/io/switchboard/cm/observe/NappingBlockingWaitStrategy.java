package io.switchboard.cm.observe;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The request-event consumer's wait: when the ring is empty it first naps for {@link #napNs} without telling
 * anyone, so that under load events gather into batches and the producers (the I/O threads) are never asked
 * to wake it; only if the nap brought nothing does it announce itself and block on a condition, which the
 * next publish signals. So a busy instance pays a volatile read per publish and one timed wake-up of the
 * consumer per nap, an idle one nothing at all (the consumer is blocked, no timer), and an event waits at
 * most a nap before it is handled.
 * <p>
 * Why not the Disruptor's {@code BlockingWaitStrategy}: its publish takes a lock and signals every time, and
 * a consumer that keeps up with its producers is nearly always blocked, so each request cost its I/O thread a
 * futex wake and the machine a context switch.
 * <p>
 * No lost wake-up: the consumer stores {@code sleeping} then reads the cursor; a producer advances the cursor
 * (claim) then reads {@code sleeping}; both are volatile, so one of them sees the other. The signal is sent
 * under the lock the consumer checks and waits under.
 * <p>
 * Thread-safe: one consumer waits; any producer signals.
 */
final class NappingBlockingWaitStrategy implements WaitStrategy
{
    private final long napNs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private volatile boolean sleeping;

    NappingBlockingWaitStrategy(final long napNs)
    {
        this.napNs = napNs;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException
    {
        if (cursor.get() < sequence)
        {
            LockSupport.parkNanos(this, napNs);
            barrier.checkAlert();
            if (cursor.get() < sequence)
            {
                lock.lock();
                try
                {
                    sleeping = true;
                    while (cursor.get() < sequence)
                    {
                        barrier.checkAlert();
                        // timed only as a backstop: the signal is what wakes it
                        published.await(1, TimeUnit.SECONDS);
                    }
                }
                finally
                {
                    sleeping = false;
                    lock.unlock();
                }
            }
        }

        long available;
        while ((available = dependentSequence.get()) < sequence)
        {
            // claimed, not yet published: the producer is between the two, for a few instructions
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking()
    {
        if (sleeping)
        {
            lock.lock();
            try
            {
                published.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }
}
