package io.switchboard.cm.supervisor;

/**
 * The supervisor's monotonic clock: {@link #SYSTEM} in the CM, a clock the test moves in unit tests, so that
 * heartbeat timeouts, restart backoff, drain deadlines and recycling are tested without sleeping.
 * <p>
 * Its readings are compared with the heartbeats workers write into the segment ({@code CLOCK_MONOTONIC}, which
 * is what {@link System#nanoTime()} reads on Linux), so a clock for the CM must read that same clock.
 */
@FunctionalInterface
interface NanoClock
{
    NanoClock SYSTEM = System::nanoTime;

    /**
     * @return now, in nanoseconds of an arbitrary origin; only differences mean anything.
     */
    long nanoTime();
}
