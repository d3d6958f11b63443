package io.switchboard.worker.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * What the session channels of one worker share: the count of open sessions, whether the worker drains, and the two
 * bounds on the heap that clients can make it take, whatever their number:
 * <ul>
 *   <li>inbound: frames being assembled, beyond each session's initial buffer ({@link InboundBudget});
 *       {@code -Dswitchboard.worker.rpcInboundBudgetBytes}, a quarter of the max heap by default;</li>
 *   <li>outbound: frames the poller could not write at once and queued for a session's drainer thread
 *       ({@link SessionRingSink}); {@code -Dswitchboard.worker.rpcOutboundQueueBytes}, an eighth of the max heap
 *       by default. A session whose queue would pass it is ended.</li>
 * </ul>
 * Made by the poller; the poller moves {@link #isDraining()}, the sinks' threads move the outbound count.
 */
final class SessionResources
{
    static final String INBOUND_BUDGET_PROPERTY = "switchboard.worker.rpcInboundBudgetBytes";
    static final String OUTBOUND_QUEUE_PROPERTY = "switchboard.worker.rpcOutboundQueueBytes";

    private final AtomicInteger openSessions = new AtomicInteger();
    private final InboundBudget inbound;
    private final long outboundCapacityBytes;
    private final AtomicLong outboundQueuedBytes = new AtomicLong();
    private boolean draining;

    /**
     * @param wake requeues a channel slot's doorbell bit: a session refused inbound budget is read again.
     */
    SessionResources(final long inboundBudgetBytes, final long outboundQueueBytes, final IntConsumer wake)
    {
        if (outboundQueueBytes <= 0)
        {
            throw new IllegalArgumentException("outboundQueueBytes=" + outboundQueueBytes + " (at least 1)");
        }
        this.inbound = new InboundBudget(inboundBudgetBytes, wake);
        this.outboundCapacityBytes = outboundQueueBytes;
    }

    /**
     * @return the bounds the system properties give, or their defaults from the max heap.
     */
    static SessionResources fromSystemProperties(final IntConsumer wake)
    {
        final long maxHeap = Runtime.getRuntime().maxMemory();
        return new SessionResources(
            Long.getLong(INBOUND_BUDGET_PROPERTY, maxHeap / 4),
            Long.getLong(OUTBOUND_QUEUE_PROPERTY, maxHeap / 8),
            wake);
    }

    AtomicInteger openSessions()
    {
        return openSessions;
    }

    InboundBudget inbound()
    {
        return inbound;
    }

    boolean isDraining()
    {
        return draining;
    }

    void startDraining()
    {
        draining = true;
    }

    /**
     * Counts {@code bytes} more queued for some session.
     *
     * @return false, counting nothing, when the worker's bound would be passed.
     */
    boolean tryQueue(final int bytes)
    {
        if (outboundQueuedBytes.addAndGet(bytes) > outboundCapacityBytes)
        {
            outboundQueuedBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void dequeued(final long bytes)
    {
        outboundQueuedBytes.addAndGet(-bytes);
    }

    long outboundQueuedBytes()
    {
        return outboundQueuedBytes.get();
    }

    long outboundCapacityBytes()
    {
        return outboundCapacityBytes;
    }
}
