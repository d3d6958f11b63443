package io.switchboard.cm.observe;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the threads that see requests end (the I/O threads, the acceptors) call to hand their facts to the
 * handler thread, without ever waiting: {@link #claim()} takes the next free event of the ring with the
 * Disruptor's {@code tryNext}, and when the ring is full the event is dropped and counted
 * ({@link #dropped()}, the metric {@code switchboard_request_events_dropped_total}). The producer fills the
 * event in place ({@link #event(long)}) and {@link #publish(long)}es it. Nothing is allocated: a full ring
 * costs a counter increment ({@code InsufficientCapacityException} is a preallocated singleton).
 * <pre>
 *   final long sequence = events.claim();
 *   if (sequence >= 0)
 *   {
 *       final RequestEvent event = events.event(sequence);   // cleared for the kind, by claim
 *       ... copy the facts ...
 *       events.publish(sequence);                            // always, once claimed
 *   }
 * </pre>
 * {@link #DISABLED} publishes nothing and claims nothing: with the access log and the metrics off, the I/O
 * threads do not even copy (they check {@link #enabled()} first).
 * <p>
 * Thread-safe: the ring is a multi-producer one (several I/O threads, the acceptors, the admin listener's
 * control requests).
 */
public final class RequestEventPublisher
{
    public static final RequestEventPublisher DISABLED = new RequestEventPublisher(null, false);

    private final RingBuffer<RequestEvent> ring;
    private final boolean copyFields;
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param copyFields whether producers should copy the referer and user agent (only the access log reads them).
     */
    public RequestEventPublisher(final RingBuffer<RequestEvent> ring, final boolean copyFields)
    {
        this.ring = ring;
        this.copyFields = copyFields;
    }

    /**
     * @return whether producers should copy the referer and user agent fields.
     */
    public boolean copyFields()
    {
        return copyFields;
    }

    /**
     * @return whether events are wanted at all.
     */
    public boolean enabled()
    {
        return ring != null;
    }

    /**
     * Claims the next event for one of the kinds of {@link RequestEvent}, cleared.
     *
     * @return its sequence, or -1 when the ring is full (the event is counted as dropped) or disabled.
     */
    public long claim(final int kind)
    {
        if (ring == null)
        {
            return -1;
        }
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            dropped.incrementAndGet();
            return -1;
        }
        ring.get(sequence).clear(kind);
        return sequence;
    }

    public RequestEvent event(final long sequence)
    {
        return ring.get(sequence);
    }

    public void publish(final long sequence)
    {
        ring.publish(sequence);
    }

    /**
     * @return events dropped because the ring was full, since the start.
     */
    public long dropped()
    {
        return dropped.get();
    }

    /**
     * Any thread: a control request travels through the ring like an event, so the handler thread carries it
     * out in order. Retried while the ring is full, for at most {@code timeoutMs} in all.
     *
     * @return whether it was published.
     */
    boolean offerControl(final ControlRequest request, final long timeoutMs) throws InterruptedException
    {
        if (ring == null)
        {
            return false;
        }
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true)
        {
            try
            {
                final long sequence = ring.tryNext();
                final RequestEvent event = ring.get(sequence);
                event.clear(RequestEvent.CONTROL);
                event.control = request;
                ring.publish(sequence);
                return true;
            }
            catch (final InsufficientCapacityException ex)
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    return false;
                }
                Thread.sleep(1);
            }
        }
    }
}
