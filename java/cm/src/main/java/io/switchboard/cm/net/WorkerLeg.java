package io.switchboard.cm.net;

import io.switchboard.cm.http.HttpException;
import io.switchboard.cm.http.ResponseHeadWriter;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingCorruptedException;
import io.switchboard.protocol.http.HttpFrameType;

import java.io.IOException;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The worker's side of an {@link HttpConnection}'s exchange: from the channel the I/O thread opened for it
 * to the worker's final frame. Sends the head and has the body pumped into the inbound ring, relays the
 * response from the outbound ring, cancels the request out of band when the client is gone or too late,
 * drains a cancelled channel to its final frame, and gives the channel back. What a worker writes wrong is
 * reported here, and the worker cut off; what the CM does wrong is not the worker's fault (see
 * {@link IoThread}).
 * <p>
 * The connection keeps the HTTP state machine; this moves it on through the connection's methods.
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class WorkerLeg
{
    private final IoThread io;
    private final HttpConnection connection;
    private final HttpExchange exchange;
    private final ClientSocket client;
    private final SocketChannel socket;
    private final WorkspaceLease lease;
    private final FrameHandler detachedFrames = this::onDetachedFrame;
    private boolean awaitingWorker;

    WorkerLeg(final IoThread io, final HttpConnection connection, final HttpExchange exchange,
        final ClientSocket client, final SocketChannel socket, final WorkspaceLease lease)
    {
        this.lease = lease;
        this.io = io;
        this.connection = connection;
        this.exchange = exchange;
        this.client = client;
        this.socket = socket;
    }

    /**
     * The I/O thread has a channel for this connection's request: send the head, then the body.
     */
    void onChannel(final long channelId, final int workerSlot, final ChannelEnd end)
    {
        awaitingWorker(true);
        exchange.channel(channelId, workerSlot, end);
        final RequestHeadEncoder.Result encoded;
        try
        {
            end.resync();
            encoded = connection.workspace().headEncoder.encode(connection.workspace().parser.head(), exchange.route.application(),
                exchange, connection.clientAddress(), end.writer(), io.segmentBuffer());
        }
        catch (final RingCorruptedException ex)
        {
            onWorkerFault(ex.getMessage());
            return;
        }
        switch (encoded)
        {
            case TOO_LARGE ->
            {
                connection.failExchange(431, "Request Header Fields Too Large\n");
                return;
            }
            case NO_ROOM ->
            {
                connection.failExchange(503, "Service Unavailable\n");
                return;
            }
            case WRITTEN ->
            {
            }
        }
        // the handler may start before any body byte arrives
        end.signalPeer();

        final long nowNs = System.nanoTime();
        exchange.queueWaitNs = nowNs - exchange.startNs;
        exchange.responseDeadlineNs = nowNs + io.timeouts().responseNs();
        if (!exchange.hasBody())
        {
            connection.enter(HttpConnection.State.AWAIT_RESPONSE, exchange.responseDeadlineNs);
            client.interest(SelectionKey.OP_READ, !lease.inputClosed());
            return;
        }

        connection.enter(HttpConnection.State.BODY, exchange.responseDeadlineNs);
        exchange.bodyStartNs = nowNs;
        if (exchange.expectContinue && !connection.workspace().in.hasRemaining())
        {
            ResponseHeadWriter.putContinue(connection.workspace().out);
            try
            {
                connection.flush();
            }
            catch (final IOException ex)
            {
                connection.onClientGone();
                return;
            }
        }
        pumpBody();
    }

    /**
     * Moves request body bytes into the inbound ring, and acts on why the pump stopped.
     */
    void pumpBody()
    {
        if (connection.state() != HttpConnection.State.BODY)
        {
            return;
        }
        if (exchange.ringWaitSinceNs != 0)
        {
            exchange.bodyStartNs += System.nanoTime() - exchange.ringWaitSinceNs;
            exchange.ringWaitSinceNs = 0;
        }

        final RequestBodyPump pump = connection.workspace().bodyPump;
        final ChannelEnd end = exchange.end;
        final RequestBodyPump.Outcome outcome;
        try
        {
            outcome = pump.pump(exchange, client, socket);
        }
        catch (final HttpException ex)
        {
            // a broken chunked body: the worker is told the request is off, the client gets the status
            cancelWorker();
            connection.failExchange(ex.status(), ex.reason() + "\n");
            return;
        }
        catch (final RingCorruptedException ex)
        {
            // the worker wrote an impossible head position into the inbound ring
            onWorkerFault(ex.getMessage());
            return;
        }
        catch (final IOException ex)
        {
            signalIfPublished(pump, end);
            connection.onClientGone();
            return;
        }
        signalIfPublished(pump, end);

        switch (outcome)
        {
            case DONE ->
            {
                connection.enter(HttpConnection.State.AWAIT_RESPONSE, exchange.responseDeadlineNs);
                client.interest(SelectionKey.OP_READ, !lease.inputClosed());
            }
            case NEEDS_BYTES -> client.interest(SelectionKey.OP_READ, !lease.inputClosed());
            case RING_FULL ->
            {
                // stop reading the socket until the worker frees space
                client.interest(SelectionKey.OP_READ, false);
                if (exchange.ringWaitSinceNs == 0)
                {
                    exchange.ringWaitSinceNs = System.nanoTime();
                }
                io.blockedOnRing(connection);
            }
            case CLIENT_EOF ->
            {
                connection.onClientGone();
            }
        }
    }

    private static void signalIfPublished(final RequestBodyPump pump, final ChannelEnd end)
    {
        if (pump.published() && end != null)
        {
            end.signalPeer();
        }
    }

    // ---------------------------------------------------------------- response

    /**
     * The worker rang for this connection's channel: relay what it wrote.
     *
     * @return frames handled.
     */
    int onOutbound()
    {
        if (exchange.end == null)
        {
            return 0;
        }
        if (exchange.detached)
        {
            return drainDetached();
        }

        final int frames;
        try
        {
            frames = connection.workspace().relay.relay(exchange, socket);
            if (exchange.abortedBeforeHead)
            {
                // the worker gave up before its head: the client gets a 502 in its place
                connection.workspace().putLocalResponse(502, "Bad Gateway\n",
                    connection.state() == HttpConnection.State.BODY || connection.state() == HttpConnection.State.WAIT_CHANNEL,
                    exchange);
            }
            connection.flush();
        }
        catch (final BadWorkerFrame | RingCorruptedException ex)
        {
            onWorkerFault(ex.getMessage());
            return 1;
        }
        catch (final IOException | ClientGone ex)
        {
            connection.onClientGone();
            return 1;
        }
        // anything else is a bug of the CM's own, not the worker's: the I/O thread logs it and closes this
        // connection, and the worker, which may be right, is not cut off

        if (exchange.finalFrameSeen)
        {
            connection.completeExchange();
        }
        else if (connection.workspace().relay.hasPendingOutput())
        {
            client.interest(SelectionKey.OP_WRITE, true);
        }
        return frames;
    }

    /**
     * The client is gone but the worker has not finished: read and drop its frames until the final one,
     * then give the channel back.
     */
    private int drainDetached()
    {
        int frames = 0;
        try
        {
            int n;
            while ((n = exchange.end.reader().read(detachedFrames, Integer.MAX_VALUE)) > 0)
            {
                frames += n;
            }
        }
        catch (final RingCorruptedException ex)
        {
            io.reportBadWorker(exchange.workerSlot, exchange.channelId, ex.getMessage());
            exchange.finalFrameSeen = true;
        }
        if (exchange.finalFrameSeen)
        {
            releaseChannel();
        }
        return frames;
    }

    private void onDetachedFrame(final SharedBuffer memory, final long offset, final int length, final int type,
        final int flags)
    {
        if (type == HttpFrameType.RESPONSE_END || type == HttpFrameType.RESPONSE_ABORT)
        {
            exchange.finalFrameSeen = true;
        }
    }

    /**
     * The worker wrote something impossible on this connection's channel: it is reported (and cut off),
     * nothing more is read from the channel, and the client gets a 502 if no byte of the response has left,
     * else the connection closes (the body it has is short, which it can tell). A 502 in the middle of an
     * upload closes too: the rest of the body is still on the socket.
     */
    void onWorkerFault(final String what)
    {
        final boolean midRequest = connection.state() == HttpConnection.State.BODY || connection.state() == HttpConnection.State.WAIT_CHANNEL;
        io.reportBadWorker(exchange.workerSlot, exchange.channelId, what);
        exchange.finalFrameSeen = true;
        exchange.detached = false;
        releaseChannel();
        if (connection.state() == HttpConnection.State.CLOSED)
        {
            // the client left already (the channel was draining): nobody to answer
            return;
        }
        if (exchange.responseHeadSent)
        {
            connection.close();
            return;
        }
        connection.respondLocally(502, "Bad Gateway\n", midRequest);
    }

    /**
     * The worker serving this request died: its channel is gone already.
     */
    void onWorkerLost()
    {
        awaitingWorker(false);
        exchange.clearChannel();
        exchange.detached = false;
        if (connection.state() == HttpConnection.State.CLOSED)
        {
            return;
        }
        if (exchange.responseHeadSent)
        {
            // what the worker wrote before it died is passed on, then the connection closes: the client gets
            // the response whole if it was, else short, which it can tell; closing at once would drop a head
            // (and body) not yet written to the socket, and the client would see no response at all
            exchange.keepAlive = false;
            connection.enter(HttpConnection.State.CLOSED, exchange.responseDeadlineNs);
            connection.closeWhenFlushed();
            return;
        }
        connection.respondLocally(502, "Bad Gateway\n", true);
    }

    /**
     * Tells the worker the request is off. Out of band, through the slot's state (CLOSING), never a frame:
     * the worker may have read the last inbound frame already and will not look at the ring again, and a
     * stalled upload leaves no room in it anyway.
     */
    void cancelWorker()
    {
        if (exchange.end != null && !exchange.cancelled)
        {
            exchange.cancelled = true;
            io.beginClose(exchange.channelId);
            exchange.end.signalPeer();
        }
    }

    /**
     * Tells the I/O thread whether this connection's request is with a worker: while any is, the thread
     * polls for the answer rather than sleeping (see {@link IoThread#awaitingAnswers}).
     */
    void awaitingWorker(final boolean awaiting)
    {
        if (awaiting != awaitingWorker)
        {
            awaitingWorker = awaiting;
            io.awaitingAnswers(awaiting ? 1 : -1);
        }
    }

    /**
     * This connection is done with its channel; the I/O thread closes it and releases the slot once the
     * worker says it is done too.
     */
    void releaseChannel()
    {
        awaitingWorker(false);
        if (exchange.hasChannel())
        {
            io.retire(exchange.channelId, exchange.workerSlot, exchange.end);
            exchange.clearChannel();
        }
    }

    /**
     * The exchange ends early (a timeout, a failure, the client gone): a worker still answering is told to
     * stop and its channel drains to the final frame; one that has finished gives its channel back.
     */
    void abandonChannel()
    {
        if (!exchange.hasChannel())
        {
            return;
        }
        if (!exchange.finalFrameSeen)
        {
            cancelWorker();
            exchange.detached = true;
        }
        else
        {
            releaseChannel();
        }
    }

    /**
     * Whether the body comes in below the minimum rate; while it waits for ring space (the worker's doing)
     * it is never too slow.
     */
    boolean bodyTooSlow(final long nowNs)
    {
        return exchange.ringWaitSinceNs == 0 && io.timeouts().bodyTooSlow(exchange.bodyStartNs, exchange.bodyBytes, nowNs);
    }
}
