package io.switchboard.bench.ipc;

import io.switchboard.ipc.signal.IdleStrategy;

/**
 * Spins and never sleeps. {@link io.switchboard.ipc.signal.SpinParkIdleStrategy}
 * with an endless budget would do the same, but it reads the clock on every
 * idle call; this one leaves only {@link Thread#onSpinWait()} between two polls,
 * so a spinning round trip measures the transport and not the timer.
 */
final class BusySpinIdleStrategy implements IdleStrategy
{
    /**
     * {@inheritDoc}
     */
    public int idle(final int workCount)
    {
        if (workCount == 0)
        {
            Thread.onSpinWait();
        }

        return POLL;
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
    }
}
