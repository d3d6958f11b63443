package io.switchboard.worker.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * Waiting on a handler thread for something another process will do (free ring
 * space): spin a little, yield a little, then sleep with doubling periods up to
 * a millisecond. Handler threads are virtual, so they must not block in a
 * futex (that would pin their carrier); the CM drains rings fast, so a short
 * poll is cheap. Not thread-safe: one per waiting thread.
 */
final class Backoff
{
    private static final int SPINS = 100;
    private static final int YIELDS = 10;
    private static final long MIN_PARK_NS = 10_000;
    private static final long MAX_PARK_NS = 1_000_000;

    private int step;
    private long parkNs = MIN_PARK_NS;

    void reset()
    {
        step = 0;
        parkNs = MIN_PARK_NS;
    }

    void idle()
    {
        if (step < SPINS)
        {
            step++;
            Thread.onSpinWait();
        }
        else if (step < SPINS + YIELDS)
        {
            step++;
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(MAX_PARK_NS, parkNs * 2);
        }
    }
}
