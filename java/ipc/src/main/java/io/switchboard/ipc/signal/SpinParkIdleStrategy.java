package io.switchboard.ipc.signal;

/**
 * Spins, yields, then parks on an {@link EventCount}: the futex wait is the
 * last stage, and the spin budget adapts to the traffic.
 * <p>
 * A sleep and a wake cost about 20 µs each on the machines we run on, against
 * well under a microsecond for a spinning hand-off, so the budget grows while
 * work keeps arriving during the spin (the spin is paying off) and shrinks each
 * time the spin ran out and the thread had to park anyway (the spin was
 * wasted). While the peer is busy the thread never reaches the park stage, and
 * no system call is made on either side.
 * <p>
 * A park always has a timeout, so that the loop regains control periodically
 * (to check its peer's liveness) and nothing waits forever.
 * <p>
 * Not thread-safe: one per polling thread.
 */
public final class SpinParkIdleStrategy implements IdleStrategy
{
    private static final int NOT_IDLE = 0;
    private static final int SPINNING = 1;
    private static final int YIELDING = 2;
    private static final int PARKING = 3;

    private final EventCount eventCount;
    private final WakeCondition wakeCondition;
    private final long minSpinNs;
    private final long maxSpinNs;
    private final int maxYields;
    private final long parkTimeoutNs;
    private final long maxParkTimeoutNs;

    private long spinBudgetNs;
    private int state = NOT_IDLE;
    private long idleStartNs;
    private int yields;
    private long parks;
    private long currentParkNs;

    /**
     * @param eventCount    the word the producer signals.
     * @param wakeCondition re-checked after announcing, before sleeping.
     * @param minSpinNs     the least the spin budget shrinks to; 0 lets it reach "park at once".
     * @param maxSpinNs     the most the spin budget grows to.
     * @param maxYields     {@link Thread#yield()} calls between spinning and parking.
     * @param parkTimeoutNs longest single futex wait.
     */
    public SpinParkIdleStrategy(
        final EventCount eventCount,
        final WakeCondition wakeCondition,
        final long minSpinNs,
        final long maxSpinNs,
        final int maxYields,
        final long parkTimeoutNs)
    {
        this(eventCount, wakeCondition, minSpinNs, maxSpinNs, maxYields, parkTimeoutNs, parkTimeoutNs);
    }

    /**
     * @param maxParkTimeoutNs what the park timeout doubles up to while parks keep timing out
     *                         (a long idle streak), so an idle thread wakes rarely; work resets it.
     */
    public SpinParkIdleStrategy(
        final EventCount eventCount,
        final WakeCondition wakeCondition,
        final long minSpinNs,
        final long maxSpinNs,
        final int maxYields,
        final long parkTimeoutNs,
        final long maxParkTimeoutNs)
    {
        if (minSpinNs < 0 || maxSpinNs < minSpinNs || maxYields < 0 || parkTimeoutNs <= 0 ||
            maxParkTimeoutNs < parkTimeoutNs)
        {
            throw new IllegalArgumentException(
                "minSpinNs=" + minSpinNs + " maxSpinNs=" + maxSpinNs + " maxYields=" + maxYields +
                " parkTimeoutNs=" + parkTimeoutNs + (maxParkTimeoutNs != parkTimeoutNs ?
                " maxParkTimeoutNs=" + maxParkTimeoutNs : ""));
        }

        this.eventCount = eventCount;
        this.wakeCondition = wakeCondition;
        this.minSpinNs = minSpinNs;
        this.maxSpinNs = maxSpinNs;
        this.maxYields = maxYields;
        this.parkTimeoutNs = parkTimeoutNs;
        this.maxParkTimeoutNs = maxParkTimeoutNs;
        this.currentParkNs = parkTimeoutNs;
        this.spinBudgetNs = maxSpinNs;
    }

    /**
     * A strategy that parks at once, every time: the futex path on its own.
     */
    public static SpinParkIdleStrategy parkAlways(
        final EventCount eventCount, final WakeCondition wakeCondition, final long parkTimeoutNs)
    {
        return new SpinParkIdleStrategy(eventCount, wakeCondition, 0, 0, 0, parkTimeoutNs);
    }

    /**
     * The default for a thread that shares two cores with others: up to 50 µs of
     * spinning (a couple of sleep/wake costs), a few yields, then parks of 100 ms
     * that grow to 1 s while nothing happens (an idle process wakes once a second).
     */
    public static SpinParkIdleStrategy adaptive(final EventCount eventCount, final WakeCondition wakeCondition)
    {
        return new SpinParkIdleStrategy(eventCount, wakeCondition, 1_000, 50_000, 4, 100_000_000L, 1_000_000_000L);
    }

    /**
     * {@inheritDoc}
     */
    public int idle(final int workCount)
    {
        if (workCount > 0)
        {
            currentParkNs = parkTimeoutNs;
            if (state == SPINNING)
            {
                spinBudgetNs = Math.min(maxSpinNs, Math.max(spinBudgetNs * 2, 1));
            }

            state = NOT_IDLE;
            return POLL;
        }

        switch (state)
        {
            case NOT_IDLE:
                idleStartNs = System.nanoTime();
                yields = 0;
                state = SPINNING;
                if (spinBudgetNs > 0)
                {
                    Thread.onSpinWait();
                    return POLL;
                }
                // fall through: no spin budget
            case SPINNING:
                if (System.nanoTime() - idleStartNs < spinBudgetNs)
                {
                    Thread.onSpinWait();
                    return POLL;
                }
                state = YIELDING;
                // fall through
            case YIELDING:
                if (yields < maxYields)
                {
                    yields++;
                    Thread.yield();
                    return POLL;
                }
                state = PARKING;
                spinBudgetNs = Math.max(minSpinNs, spinBudgetNs / 2);
                // fall through
            default:
                return park();
        }
    }

    private int park()
    {
        final int key = eventCount.prepareWait();
        if (wakeCondition.isSatisfied())
        {
            eventCount.cancelWait();
            return POLL;
        }

        parks++;
        if (eventCount.await(key, currentParkNs))
        {
            return POLL;
        }
        currentParkNs = Math.min(maxParkTimeoutNs, currentParkNs * 2);
        return TIMED_OUT;
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
        state = NOT_IDLE;
    }

    /**
     * @return the current spin budget, for monitoring and tests.
     */
    public long spinBudgetNs()
    {
        return spinBudgetNs;
    }

    /**
     * @return the timeout of the next park: longer after parks that timed out, reset by work.
     */
    public long currentParkTimeoutNs()
    {
        return currentParkNs;
    }

    /**
     * @return how many times this strategy has gone to sleep in the kernel.
     */
    public long parks()
    {
        return parks;
    }
}
