package io.switchboard.client;

import io.switchboard.rpc.AnswerWaiter;
import io.switchboard.rpc.thread.HandlerThreads;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who reads the session's socket, leader/follower style, so that a thread making a synchronous call usually reads
 * its own answer instead of being woken by a reader thread (a hand-off that costs a wake-up on every call).
 * <p>
 * One thread at a time holds the token and reads: the leader. A platform thread waiting for an answer takes the
 * token if it is free and reads, delivering every frame it reads (other callers' answers wake them), until its own
 * answer is in or its deadline passes; then it hands the token to a waiting follower. Waiting threads that find the
 * token taken park as followers. Virtual threads never lead: interrupting a virtual thread blocked on a socket closes
 * the socket. The {@link ReadPump} takes the token when no call waits.
 */
final class ReadToken implements AnswerWaiter
{
    private final SocketReader reader;
    private final HoldPolicy hold;
    private final ReadPump pump;
    private final ReentrantLock token = new ReentrantLock();
    private final AtomicInteger syncWaiters = new AtomicInteger();
    private final ConcurrentLinkedQueue<Thread> followers = new ConcurrentLinkedQueue<>();

    /**
     * @param pump told when no call waits any more, and when an async call was sent.
     */
    ReadToken(final SocketReader reader, final HoldPolicy hold, final ReadPump pump)
    {
        this.reader = reader;
        this.hold = hold;
        this.pump = pump;
    }

    @Override
    public void await(final Future<?> call, final long deadlineNs) throws InterruptedException
    {
        if (HandlerThreads.isVirtual(Thread.currentThread()))
        {
            // never a leader, so not counted among those who keep the pump away: the pump reads for it (and
            // the writer never holds a virtual thread's frame, which it could not see to)
            AnswerWaiter.PARKING.await(call, deadlineNs);
            return;
        }
        if (token.isHeldByCurrentThread())
        {
            // only a delivery runs with the token held: a continuation or a non-blocking service making a
            // synchronous call would wait for an answer that it alone could read, and its frame is held back
            throw new IllegalStateException("a synchronous call from the session's reader thread (a continuation " +
                "of a call's future, or a NON_BLOCKING service) would wait for itself: use the async variant, or " +
                "a service that may block");
        }
        final Thread self = Thread.currentThread();
        syncWaiters.incrementAndGet();
        try
        {
            while (!call.isDone() && !reader.isClosed())
            {
                if (token.tryLock())
                {
                    try
                    {
                        lead(call, deadlineNs);
                    }
                    finally
                    {
                        release();
                    }
                }
                else
                {
                    follow(self, call, deadlineNs);
                }
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
                if (deadlineNs != Long.MAX_VALUE && deadlineNs - System.nanoTime() <= 0)
                {
                    return;
                }
            }
        }
        finally
        {
            if (!call.isDone())
            {
                // the deadline passed or the thread was interrupted, maybe before its held frame went out:
                // nobody else may be about to write it
                hold.releaseNow();
            }
            // a follower woken to lead may find its own answer already delivered: it leaves without
            // reading, and must pass the turn on, or the others sleep with nobody reading for them
            if (!token.isLocked())
            {
                handOff();
            }
            pump.syncCallEnded();
            if (syncWaiters.decrementAndGet() == 0)
            {
                pump.noSyncCallWaits();
            }
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Delivered by the token holder: the caller will most likely call again at once.
     */
    @Override
    public void answered()
    {
        if (token.isHeldByCurrentThread())
        {
            hold.callerAnswered();
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * While a thread waits, its leader reads every answer; otherwise the pump must read soon.
     */
    @Override
    public void asyncCallSent()
    {
        pump.asyncCallSent(syncWaiters.get() == 0);
    }

    /**
     * @return whether a thread waits for an answer synchronously (and may lead).
     */
    boolean isSyncCallWaiting()
    {
        return syncWaiters.get() > 0;
    }

    /**
     * @return whether the calling thread now holds the token; if so it must {@link #release()} it.
     */
    boolean tryAcquire()
    {
        return token.tryLock();
    }

    /**
     * Gives the token up, and its turn to a waiting follower if any.
     */
    void release()
    {
        token.unlock();
        handOff();
    }

    /**
     * The reader is closed: every follower wakes and leaves.
     */
    void wakeFollowers()
    {
        for (final Thread follower : followers)
        {
            LockSupport.unpark(follower);
        }
    }

    private void lead(final Future<?> call, final long deadlineNs)
    {
        while (!call.isDone() && !reader.isClosed())
        {
            final int timeoutMs;
            if (deadlineNs == Long.MAX_VALUE)
            {
                timeoutMs = 0;
            }
            else
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    return;
                }
                timeoutMs = (int)Math.max(1, Math.min(Integer.MAX_VALUE, (remainingNs + 999_999) / 1_000_000));
            }
            reader.readOnce(timeoutMs);
            if (Thread.currentThread().isInterrupted())
            {
                return;
            }
        }
    }

    private void follow(final Thread self, final Future<?> call, final long deadlineNs)
    {
        followers.add(self);
        try
        {
            // re-checked after joining: a leader that left before we joined did not see us
            if (!call.isDone() && !reader.isClosed() && token.isLocked())
            {
                if (hold.isHolding() && reader.isInRead())
                {
                    // the leader sleeps in read and will not see to the held frames: we do
                    parkNanos(call, Math.min(hold.releaseDueInNs(), remainingNs(deadlineNs)));
                    hold.releaseIfDue();
                }
                else
                {
                    park(call, deadlineNs);
                }
            }
        }
        finally
        {
            followers.remove(self);
        }
    }

    /**
     * Wakes the first waiting follower, if any: it takes the token and leads.
     */
    private void handOff()
    {
        final Thread next = followers.peek();
        if (next != null)
        {
            LockSupport.unpark(next);
        }
    }

    private static long remainingNs(final long deadlineNs)
    {
        return deadlineNs == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNs - System.nanoTime();
    }

    private static void parkNanos(final Future<?> call, final long ns)
    {
        if (ns > 0)
        {
            LockSupport.parkNanos(call, ns);
        }
    }

    private static void park(final Future<?> call, final long deadlineNs)
    {
        if (deadlineNs == Long.MAX_VALUE)
        {
            LockSupport.park(call);
        }
        else
        {
            LockSupport.parkNanos(call, deadlineNs - System.nanoTime());
        }
    }
}
