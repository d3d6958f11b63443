package io.switchboard.ipc.signal;

/**
 * How a polling loop waits when a poll found nothing. The loop hands every
 * poll's work count to {@link #idle(int)}: work resets the strategy, no work
 * advances it.
 * <pre>{@code
 *   while (running)
 *   {
 *       final int work = poller.poll();
 *       if (idleStrategy.idle(work) == IdleStrategy.TIMED_OUT)
 *       {
 *           checkPeerIsAlive();
 *       }
 *   }
 * }</pre>
 */
public interface IdleStrategy
{
    /** {@link #idle(int)} did not sleep, or slept and was woken: poll again. */
    int POLL = 0;

    /** {@link #idle(int)} slept for the whole park timeout: a good moment for periodic checks. */
    int TIMED_OUT = 1;

    /**
     * @param workCount what the last poll did; 0 means nothing.
     * @return {@link #POLL} or {@link #TIMED_OUT}.
     */
    int idle(int workCount);

    /**
     * Forgets the idle streak (as if work had been done).
     */
    void reset();
}
