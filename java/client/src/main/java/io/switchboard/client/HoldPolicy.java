package io.switchboard.client;

import java.util.function.LongSupplier;

/**
 * When the {@link CoalescingWriter} holds frames back to write them together, and how a hold ends; every constant of
 * the policy is here.
 * <p>
 * A loopback write costs about 5 us of the writer's CPU here (most of it the receiving side's TCP work, done in the
 * sender's system call), so frames are held back:
 * <ul>
 *     <li>while the read leader hands out what it read ({@link #deliveryStarted()} to {@link #deliveryEnded()}):
 *     the callers it wakes call again in that window;</li>
 *     <li>after that, while callers the delivery woke ({@link #callerAnswered()}) have not called again yet: the
 *     frames of synchronous calls wait for the last of them, who writes them all. Callers that answered together
 *     thus call again together, and with 8 threads on one session the frames of a round go out in one write (7.9
 *     frames per write instead of 1.4: 8 threads 96-106k calls/s against 85-94k).</li>
 * </ul>
 * Nothing is held for long. A frame nobody waits for is never held, and takes the held ones with it. Every held
 * frame's sender waits for its answer right after, and whoever then goes to sleep first sees that the held frames go
 * out once held for {@link #HOLD_NS} ({@link #awaitRelease()}, {@link #releaseIfDue()}), even if the callers
 * expected never come. After a hold ended that way none is tried for {@link #NO_HOLD_AFTER_TIMEOUT_NS}.
 * <p>
 * Its state is guarded by the writer's lock: the writer consults it with the lock held ({@link #countSend()},
 * {@link #holds}, {@link #released()}); the reader's hooks take the lock.
 */
final class HoldPolicy
{
    /**
     * Longest a frame is held for the callers woken with it to call again, so that their frames go out in one
     * write: long enough for a woken thread to get a core and encode its next call.
     */
    static final long HOLD_NS = Long.getLong("switchboard.client.holdNs", 30_000);
    /**
     * After a hold ended because the callers expected did not come, none is tried for this long: with callers that
     * work between their calls, holding would cost most rounds {@link #HOLD_NS} of latency.
     */
    static final long NO_HOLD_AFTER_TIMEOUT_NS = 1_000_000L;

    private final CoalescingWriter writer;
    private final Object lock;
    private final LongSupplier nanoClock;
    /** Set while the read leader delivers answers: it writes what was sent meanwhile when it is done. */
    private boolean delivering;
    /** Callers given their answers by a delivery who have not called again yet (as far as sends can tell). */
    private int expectedCallers;
    /** When the oldest frame held for expected callers was held; 0 when none is. */
    private volatile long heldSinceNs;
    /** Until when frames are not held, after a hold that ended with the expected callers missing; 0 for none. */
    private long noHoldUntilNs;

    /**
     * @param lock the writer's, which guards this state too.
     * @param nanoClock {@link System#nanoTime()}, or a test's clock.
     */
    HoldPolicy(final CoalescingWriter writer, final Object lock, final LongSupplier nanoClock)
    {
        this.writer = writer;
        this.lock = lock;
        this.nanoClock = nanoClock;
    }

    // ------------------------------------------------------------------------------------------------------------
    // The writer's side: the lock is held
    // ------------------------------------------------------------------------------------------------------------

    /**
     * A frame is being sent: most likely by a woken caller calling again. Any send counts, so a miscount only
     * writes sooner.
     */
    void countSend()
    {
        if (expectedCallers > 0)
        {
            expectedCallers--;
        }
    }

    /**
     * @param awaited its sender waits for the answer right after, on a platform thread.
     * @return whether a frame sent while no flusher is at work waits in the writer's pending frames.
     */
    boolean holds(final boolean awaited)
    {
        if (delivering)
        {
            return true;
        }
        if (awaited && expectedCallers > 0 && holdAllowed())
        {
            markHeld();
            return true;
        }
        return false;
    }

    /**
     * The pending frames were taken for writing, or lost with the connection: nothing is held.
     */
    void released()
    {
        heldSinceNs = 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // The reader's side
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The read leader is about to deliver what it read: frames sent until {@link #deliveryEnded()} wait for it.
     */
    void deliveryStarted()
    {
        synchronized (lock)
        {
            delivering = true;
        }
    }

    /**
     * A caller waiting synchronously was given its answer by the delivery in progress: it will most likely call
     * again at once, and its frame should go out with the others'.
     */
    void callerAnswered()
    {
        synchronized (lock)
        {
            expectedCallers++;
        }
    }

    /**
     * The read leader is done delivering: what was sent meanwhile is written now, unless a flusher is at work
     * (which writes it before it returns) or woken callers are still expected and only waiting callers' frames are
     * pending (then the last of those callers writes them all, or someone waiting sees to them once due).
     */
    void deliveryEnded()
    {
        synchronized (lock)
        {
            delivering = false;
            if (!writer.hasUnwrittenFrames())
            {
                return;
            }
            if (expectedCallers > 0 && writer.onlyAwaitedFramesPending() && holdAllowed())
            {
                markHeld();
                return;
            }
            writer.claimFlush();
        }
        writer.writeClaimed();
    }

    /**
     * @return whether frames are held for callers still expected: someone waiting must see to them.
     */
    boolean isHolding()
    {
        return heldSinceNs != 0;
    }

    /**
     * @return how long until the held frames are due to go out; 0 when none is held (or they are due).
     */
    long releaseDueInNs()
    {
        final long since = heldSinceNs;
        return since == 0 ? 0 : Math.max(0, since + HOLD_NS - nanoClock.getAsLong());
    }

    /**
     * Writes the held frames if they have been held for {@link #HOLD_NS}: the callers expected did not all come,
     * and those who did must not wait for them any longer.
     *
     * @return whether nothing is held any more.
     */
    boolean releaseIfDue()
    {
        return releaseIfHeldFor(HOLD_NS);
    }

    /**
     * Writes the held frames at once: their sender stops waiting (its deadline passed, or it was interrupted), and
     * nobody else may be about to write them.
     */
    void releaseNow()
    {
        releaseIfHeldFor(0);
    }

    /**
     * Before a thread sleeps in read with frames held: waits, yielding, until the last expected caller has written
     * them, or until they are due, then writes them itself.
     */
    void awaitRelease()
    {
        while (isHolding())
        {
            if (releaseIfDue())
            {
                return;
            }
            Thread.yield();
        }
    }

    private boolean releaseIfHeldFor(final long minAgeNs)
    {
        synchronized (lock)
        {
            final long since = heldSinceNs;
            if (since == 0 || !writer.hasUnwrittenFrames())
            {
                return true;
            }
            final long nowNs = nanoClock.getAsLong();
            if (nowNs - since < minAgeNs)
            {
                return false;
            }
            if (minAgeNs > 0)
            {
                // the expected callers did not come: callers here do more than call, so holding costs them
                // latency and saves no write; stop holding for a while
                noHoldUntilNs = nowNs + NO_HOLD_AFTER_TIMEOUT_NS;
            }
            expectedCallers = 0;
            writer.claimFlush();
        }
        writer.writeClaimed();
        return true;
    }

    private void markHeld()
    {
        if (heldSinceNs == 0)
        {
            heldSinceNs = nanoClock.getAsLong();
        }
    }

    private boolean holdAllowed()
    {
        if (noHoldUntilNs != 0 && nanoClock.getAsLong() - noHoldUntilNs >= 0)
        {
            // the pause is over: no clock read on later sends
            noHoldUntilNs = 0;
        }
        return noHoldUntilNs == 0;
    }
}
