package io.switchboard.bench.ipc;

import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.signal.IdleStrategy;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How both sides of a shared-memory round trip wait for the other: the two
 * ends of the trade-off that {@link SpinParkIdleStrategy#adaptive} moves
 * between at run time.
 */
public enum IdleMode
{
    /** Never sleeps: the cost of the rings and doorbells alone. */
    SPIN,

    /** Sleeps on the doorbell's futex before every message: the cost of a wake-up each way. */
    PARK;

    private static final long PARK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    /**
     * @return a new strategy for a thread that waits on {@code doorbell}.
     */
    IdleStrategy newStrategy(final Doorbell doorbell)
    {
        return switch (this)
        {
            case SPIN -> new BusySpinIdleStrategy();
            case PARK -> SpinParkIdleStrategy.parkAlways(doorbell.eventCount(), doorbell, PARK_TIMEOUT_NS);
        };
    }
}
