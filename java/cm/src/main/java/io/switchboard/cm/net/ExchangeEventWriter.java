package io.switchboard.cm.net;

import io.switchboard.cm.http.HttpVersion;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.cm.observe.RequestEvent;
import io.switchboard.cm.observe.RequestEventPublisher;

/**
 * Copies the facts of an HTTP exchange that ended into a request event, on the I/O thread: primitives,
 * and bytes into the event's fixed arrays (the target cut at 1 KiB, referer and user agent at 256 bytes,
 * and only when the access log is on, the one reader of them). Nothing is allocated and nothing waits: a
 * full ring drops the event (see {@link RequestEventPublisher}).
 * <p>
 * Not thread-safe: one per {@link IoThread}.
 */
final class ExchangeEventWriter
{
    private final RequestEventPublisher events;
    private final boolean copyFields;

    ExchangeEventWriter(final RequestEventPublisher events, final boolean copyFields)
    {
        this.events = events;
        this.copyFields = copyFields;
    }

    boolean enabled()
    {
        return events.enabled();
    }

    /**
     * @param head        the request's head, or null when none was read (a refused connection).
     * @param headKnown   whether the head is complete: its method and target may be read.
     * @param status      the status the client got (or 499 when it left first).
     * @param sentBytes   response bytes written, or left to write, to the client.
     */
    void publish(final HttpExchange exchange, final RequestHead head, final boolean headKnown, final ClientAddress client,
        final int status, final long sentBytes, final String application, final int workerSlot)
    {
        exchange.eventPending = false;
        final long sequence = events.claim(RequestEvent.HTTP_EXCHANGE);
        if (sequence < 0)
        {
            return;
        }
        final RequestEvent event = events.event(sequence);
        try
        {
            final long nowNs = System.nanoTime();
            event.epochMs = System.currentTimeMillis();
            event.durationNs = nowNs - exchange.startNs;
            event.queueWaitNs = exchange.queueWaitNs;
            event.status = status;
            event.sentBytes = sentBytes;
            event.workerSlot = workerSlot;
            event.application = application;
            if (client != null)
            {
                client.copyInto(event);
            }
            event.requestId(exchange.requestId, exchange.requestIdLength);
            if (head != null)
            {
                event.receivedBytes = head.length() + exchange.bodyBytes;
                if (head.method() != null && head.methodLength() > 0)
                {
                    event.methodOrdinal = head.method().ordinal();
                    event.method(head.buffer(), 0, head.methodLength());
                }
                if (headKnown || head.version() != null)
                {
                    event.target(head.buffer(), head.targetOffset(), head.targetLength());
                    event.versionMinor = head.version() == HttpVersion.HTTP_1_0 ? 0 : 1;
                }
                if (copyFields && headKnown)
                {
                    copyFields(head, event);
                }
            }
        }
        finally
        {
            events.publish(sequence);
        }
    }

    private static void copyFields(final RequestHead head, final RequestEvent event)
    {
        final int referer = head.findHeader("referer", 0);
        if (referer >= 0)
        {
            event.referer(head.buffer(), head.headerValueOffset(referer), head.headerValueLength(referer));
        }
        final int userAgent = head.findHeader("user-agent", 0);
        if (userAgent >= 0)
        {
            event.userAgent(head.buffer(), head.headerValueOffset(userAgent), head.headerValueLength(userAgent));
        }
    }
}
