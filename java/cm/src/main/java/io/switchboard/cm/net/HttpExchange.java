package io.switchboard.cm.net;

import io.switchboard.cm.http.SessionNode;
import io.switchboard.cm.http.BodyFraming;
import io.switchboard.cm.http.HttpMethod;
import io.switchboard.cm.http.HttpVersion;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.cm.routing.Route;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;

/**
 * The state of the request an {@link HttpConnection} is serving, from its head to the worker's final frame:
 * what the client asked, the channel it went to, how much of the body is still to come, and what of the
 * response has been relayed. {@link #begin} starts it afresh for each request, so no field outlives its
 * exchange by accident.
 * <p>
 * A plain holder, read and written by the connection and the two pumps of its exchange
 * ({@link RequestBodyPump}, {@link ResponseRelay}). Not thread-safe: belongs to one {@link IoThread}.
 */
final class HttpExchange
{
    /** A response body length that no head promised: the response ends with its final frame. */
    static final long UNBOUNDED = Long.MAX_VALUE;
    /** The longest X-Request-Id the CM passes on; a longer one is replaced by a generated one. */
    static final int REQUEST_ID_MAX_LENGTH = 128;

    // ---- the request's identity, for the worker (X-Request-Id) and the access log
    /** The request's X-Request-Id in {@code [0, requestIdLength)}: the client's if valid, else generated. */
    final byte[] requestId = new byte[REQUEST_ID_MAX_LENGTH];
    int requestIdLength;

    // ---- the request event (access log, metrics)
    /** An exchange began and its event is not published yet: whatever ends it publishes it, once. */
    boolean eventPending;
    /** The head was parsed whole (not refused): its fields may be read. */
    boolean headComplete;
    /** When the head was complete (or, for a head refused, when its first byte came). */
    long startNs;
    /** From the head to the channel; -1 while the request has none. */
    long queueWaitNs;
    /** The status of the worker's RESPONSE_HEAD. */
    int responseStatus;
    /** The client socket's bytes written when the exchange began. */
    long writtenAtStart;
    /** Bytes the relay wrote past the output buffer (gathering writes). */
    long gatheredBytes;

    // ---- the request
    Route route;
    /** The worker slot the request's session id names (sticky sessions), or {@link SessionNode#NONE}. */
    int sessionWorker = SessionNode.NONE;
    HttpVersion version;
    boolean headRequest;
    boolean keepAlive;
    boolean expectContinue;
    boolean chunkedBody;
    /** Body bytes still to come with a Content-Length; 0 for a chunked body (the decoder knows its end). */
    long bodyRemaining;
    /** The body is all in the ring; only REQUEST_END may be left to write. */
    boolean bodyComplete;

    // ---- the minimum body rate
    /** When the body began, moved on by the time spent waiting for ring space: the rate is the client's. */
    long bodyStartNs;
    long bodyBytes;
    /** Since when the body waits for ring space; 0 when it does not. */
    long ringWaitSinceNs;

    /** From dispatch until the worker's final frame (504); not extended by progress. */
    long responseDeadlineNs;

    // ---- the channel
    long channelId = ChannelId.NONE;
    int workerSlot = -1;
    ChannelEnd end;

    // ---- the response
    boolean responseHeadSent;
    boolean responseChunked;
    /** Body bytes the response head promised and the worker has yet to send; {@link #UNBOUNDED} without a length. */
    long responseBodyRemaining = UNBOUNDED;
    /** The worker was told the request is off (through the slot's CLOSING state). */
    boolean cancelled;
    boolean finalFrameSeen;
    /** The worker ended the response with RESPONSE_ABORT before its head: the client gets a 502. */
    boolean abortedBeforeHead;
    /** The client is gone; the channel drains to the worker's final frame before it is given back. */
    boolean detached;
    /** The connection closes once this response has left (it was cut short, or cannot be framed). */
    boolean closeAfterResponse;

    /**
     * Starts the exchange of a newly parsed request.
     */
    void begin(final RequestHead head)
    {
        version = head.version();
        keepAlive = head.keepAlive();
        headRequest = head.method() == HttpMethod.HEAD;
        expectContinue = head.expectContinue();
        chunkedBody = head.bodyFraming() == BodyFraming.CHUNKED;
        bodyRemaining = head.bodyFraming() == BodyFraming.CONTENT_LENGTH ? head.contentLength() : 0;
        bodyComplete = !hasBody();
        bodyStartNs = 0;
        bodyBytes = 0;
        ringWaitSinceNs = 0;
        route = null;
        sessionWorker = SessionNode.workerSlot(head);
        responseHeadSent = false;
        responseChunked = false;
        responseBodyRemaining = UNBOUNDED;
        cancelled = false;
        finalFrameSeen = false;
        abortedBeforeHead = false;
        detached = false;
        queueWaitNs = -1;
        responseStatus = 0;
        gatheredBytes = 0;
    }

    boolean hasBody()
    {
        return chunkedBody || bodyRemaining > 0;
    }

    boolean hasChannel()
    {
        return channelId != ChannelId.NONE;
    }

    void channel(final long channelId, final int workerSlot, final ChannelEnd end)
    {
        this.channelId = channelId;
        this.workerSlot = workerSlot;
        this.end = end;
    }

    void clearChannel()
    {
        channelId = ChannelId.NONE;
        end = null;
    }
}
