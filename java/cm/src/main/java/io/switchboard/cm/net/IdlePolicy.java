package io.switchboard.cm.net;

/**
 * When an {@link IoThread} with nothing to do polls on, and when it blocks: it yields for a while when an
 * answer is due (a request or call is with a worker, or a session's frames just went by), spins briefly
 * (an adaptive budget that doubles when work comes while spinning and halves when it does not, up to
 * {@code -Dswitchboard.io.maxSpinNs}, 50 us by default, 0 for none), then blocks in the selector, for long when the thread holds
 * no connection. Nothing spins while the instance is idle.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class IdlePolicy
{
    /** Longest spin before blocking; {@code -Dswitchboard.io.maxSpinNs} sets it (for measurements). */
    static final long MAX_SPIN_NS = Long.getLong("switchboard.io.maxSpinNs", 50_000);
    private static final long MIN_SPIN_NS = Math.min(1_000, MAX_SPIN_NS);
    /**
     * How long to poll (yielding), rather than sleep, while a request or call waits for its worker's answer,
     * and after a session's last frame went by: a worker answers in microseconds, and sleeping would put two
     * thread wake-ups (worker to waker, waker to selector) on every call; a client that got its answer calls
     * again one round trip later, and a sleeping selector would add a wake-up to that call too.
     * {@code -Dswitchboard.io.rpcSpinNs} overrides it.
     */
    private static final long AWAIT_ANSWER_POLL_NS = Long.getLong("switchboard.io.rpcSpinNs", 200_000);
    /** Select timeouts: deadlines need the timer only while there are connections. */
    private static final long IDLE_SELECT_MS = 100;
    private static final long EMPTY_SELECT_MS = 1_000;

    private long spinBudgetNs = MAX_SPIN_NS;
    private long idleSinceNs;
    private long awaitingAnswers;
    private boolean sessionTraffic;
    private long lastSessionTrafficNs;

    /**
     * The count of requests and calls waiting for a worker's answer changed by {@code delta}.
     */
    void awaitingAnswers(final long delta)
    {
        awaitingAnswers += delta;
    }

    /**
     * A session's frames went by: keep polling a while, the next call is likely near.
     */
    void sessionTraffic()
    {
        sessionTraffic = true;
    }

    /**
     * After each pass of the loop: yields or spins when polling on is worth it.
     *
     * @param work what the pass did.
     * @return true when the thread should block now.
     */
    boolean shouldBlock(final int work, final long nowNs)
    {
        if (sessionTraffic)
        {
            sessionTraffic = false;
            lastSessionTrafficNs = nowNs;
        }
        if (work > 0)
        {
            if (idleSinceNs != 0)
            {
                // work came while spinning: the spin paid off
                spinBudgetNs = Math.min(MAX_SPIN_NS, spinBudgetNs * 2);
            }
            idleSinceNs = 0;
            return false;
        }

        if (idleSinceNs == 0)
        {
            idleSinceNs = nowNs;
        }
        if ((awaitingAnswers > 0 || nowNs - lastSessionTrafficNs < AWAIT_ANSWER_POLL_NS) &&
            nowNs - idleSinceNs < AWAIT_ANSWER_POLL_NS)
        {
            // yield, not a bare spin: on a machine with few cores the client and the worker
            // need the CPU this thread would burn, and a yield gives it to them
            Thread.yield();
            return false;
        }
        if (nowNs - idleSinceNs < spinBudgetNs)
        {
            Thread.onSpinWait();
            return false;
        }

        spinBudgetNs = Math.max(MIN_SPIN_NS, spinBudgetNs / 2);
        idleSinceNs = 0;
        return true;
    }

    /**
     * @return how long a block may last: short while a connection waits for ring space (polled), longer
     *         while connections have deadlines, long with none.
     */
    static long selectTimeoutMs(final boolean blockedOnRing, final boolean noConnections)
    {
        return blockedOnRing ? 1 : noConnections ? EMPTY_SELECT_MS : IDLE_SELECT_MS;
    }
}
