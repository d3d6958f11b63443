package io.switchboard.cm.net;

import io.switchboard.cm.http.HttpException;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.protocol.rpc.RpcHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection and its HTTP state machine: parses a head, opens a channel to a worker, has the body
 * pumped into the inbound ring ({@link RequestBodyPump}) and the response relayed from the outbound ring
 * ({@link ResponseRelay}), gives the channel back after the worker's final frame, and goes on with the next
 * (pipelined) request.
 * <pre>
 *   READ_HEAD --head--> WAIT_CHANNEL --channel--> BODY --end--> AWAIT_RESPONSE --final frame--> READ_HEAD
 *       |                    (queued, 503 on timeout)     (no body: straight to AWAIT_RESPONSE)       or CLOSED
 *       +--bad request: 4xx, Connection: close--> CLOSED
 * </pre>
 * Requests on a connection are served one at a time, and the next head is parsed only once the previous
 * response has left the output buffer, so responses leave whole and in request order; what a client sends
 * ahead waits in the read buffer, and while that is full its socket is not read.
 * <p>
 * Buffers belong to the exchange, not the connection: a {@link HttpWorkspace} is taken when bytes arrive and
 * given back when nothing is left unread or unsent, so an idle keep-alive connection holds none.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class HttpConnection implements Connection
{
    enum State
    {
        READ_HEAD, WAIT_CHANNEL, BODY, AWAIT_RESPONSE, CLOSED
    }

    private final IoThread io;
    private final SocketChannel socket;
    private final ClientAddress clientAddress;
    private final ClientSocket client;
    private final SelectionKey key;
    private final HttpExchange exchange = new HttpExchange();
    private final WorkerLeg leg;
    private final WorkspaceLease lease;
    private final ExchangeEventWriter events;
    /** The lease's workspace, or null: read through here on every event. */
    private HttpWorkspace workspace;

    private State state = State.READ_HEAD;
    private boolean firstRequest = true;
    private long deadlineNs;
    /** The head deadline runs from the head's first byte, not from its latest. */
    private boolean headDeadlineArmed;

    /**
     * @param clientAddress the socket's peer, read once when the connection was adopted.
     */
    HttpConnection(final IoThread io, final SocketChannel socket, final SelectionKey key, final ClientAddress clientAddress)
    {
        this.io = io;
        this.socket = socket;
        this.clientAddress = clientAddress;
        this.key = key;
        this.client = new ClientSocket(socket, key);
        this.lease = new WorkspaceLease(io.workspaces(), client);
        this.leg = new WorkerLeg(io, this, exchange, client, socket, lease);
        this.deadlineNs = System.nanoTime() + io.timeouts().idleNs();
        this.events = io.exchangeEvents();
    }

    State state()
    {
        return state;
    }

    /**
     * @return the connection's peer: the client, or a proxy in front of it (then the client's address is in the
     * forwarding fields the proxy sent, which the CM keeps when the proxy is one of {@code --trusted-proxies}).
     * The same holder for every request of the connection; reading it allocates nothing.
     */
    public ClientAddress clientAddress()
    {
        return clientAddress;
    }

    /**
     * @return the current exchange: its request id ({@code requestId}, {@code requestIdLength}) and the rest.
     */
    HttpExchange exchange()
    {
        return exchange;
    }

    /**
     * The worker's leg moves the state machine on, with the deadline of the phase it enters.
     */
    void enter(final State next, final long deadlineNs)
    {
        state = next;
        this.deadlineNs = deadlineNs;
    }

    public ChannelKind channelKind()
    {
        return ChannelKind.HTTP;
    }

    public long channelId()
    {
        return exchange.channelId;
    }

    public int workerSlot()
    {
        return exchange.workerSlot;
    }

    // ---------------------------------------------------------------- socket events

    public void onReadable()
    {
        try
        {
            switch (state)
            {
                case READ_HEAD ->
                {
                    if (!lease.take())
                    {
                        // every workspace is taken: bytes wait in the socket as a request waits for a channel
                        deadlineNs = Math.min(deadlineNs, System.nanoTime() + io.timeouts().queueNs());
                        return;
                    }
                    workspace = lease.workspace();
                    if (workspace.out.position() > 0)
                    {
                        // a response has not left yet: requests read ahead wait behind it
                        lease.holdReadAhead();
                        return;
                    }
                    if (lease.fill() < 0 && !workspace.in.hasRemaining())
                    {
                        close();
                        return;
                    }
                    parseHeads();
                }
                case BODY -> leg.pumpBody();
                case WAIT_CHANNEL, AWAIT_RESPONSE ->
                {
                    // keep pipelined bytes for later; an EOF means the client is gone
                    if (!client.holdWhileWaiting(workspace.in))
                    {
                        onClientGone();
                    }
                }
                case CLOSED ->
                {
                }
            }
        }
        catch (final IOException ex)
        {
            onClientGone();
        }
    }

    public void onWritable()
    {
        try
        {
            if (workspace == null || !flush())
            {
                // still more than the socket takes: it asked for OP_WRITE again
                return;
            }
            client.interest(SelectionKey.OP_WRITE, false);
            if (exchange.hasChannel() && !exchange.detached && (state == State.AWAIT_RESPONSE || state == State.BODY))
            {
                // the socket drained: go on relaying what the worker wrote (an early answer may come mid-upload)
                leg.onOutbound();
            }
            else
            {
                afterFlush();
            }
        }
        catch (final IOException ex)
        {
            onClientGone();
        }
    }

    private void parseHeads()
    {
        final ByteBuffer in = workspace.in;
        // the next response may only start once this one has left: it would be written over
        final boolean responseUnsent = workspace.out.position() > 0;
        client.interest(SelectionKey.OP_READ, !responseUnsent && !lease.inputClosed());
        if (responseUnsent)
        {
            return;
        }
        if (firstRequest && in.hasRemaining())
        {
            firstRequest = false;
            if (in.get(in.position()) == RpcHandshake.FIRST_BYTE)
            {
                // no method token starts with this byte: a distributed session on the shared port
                state = State.CLOSED;
                io.switchToRpc(this, socket, key, in);
                lease.release();
                workspace = null;
                return;
            }
        }
        while (state == State.READ_HEAD && in.hasRemaining() && workspace.out.position() == 0)
        {
            final boolean done;
            try
            {
                done = workspace.parser.parse(in);
            }
            catch (final HttpException ex)
            {
                reject(ex.status(), ex.reason());
                return;
            }

            if (!done)
            {
                if (!headDeadlineArmed)
                {
                    // once per head, as nginx's client_header_timeout: a byte now and then does not extend it
                    headDeadlineArmed = true;
                    exchange.startNs = System.nanoTime();
                    deadlineNs = exchange.startNs + io.timeouts().headNs();
                }
                break;
            }
            onHead(workspace.parser.head());
        }

        if (state != State.READ_HEAD || workspace == null)
        {
            return;
        }
        if (workspace.out.position() > 0)
        {
            client.interest(SelectionKey.OP_READ, false);
        }
        else if (lease.inputClosed())
        {
            close();
        }
        else
        {
            lease.releaseIfIdle();
            workspace = lease.workspace();
        }
    }

    private void onHead(final RequestHead head)
    {
        exchange.begin(head);
        final long nowNs = System.nanoTime();
        exchange.startNs = nowNs;
        exchange.eventPending = events.enabled();
        exchange.headComplete = true;
        exchange.workerSlot = -1;
        exchange.writtenAtStart = client.written();
        // before routing, so that a request the CM answers itself (404, 503) has an id to be logged with
        exchange.requestIdLength = io.requestIds().assign(head, exchange.requestId);
        if (exchange.chunkedBody)
        {
            workspace.bodyPump.resetChunked();
        }
        if (io.testFaultHook() != null)
        {
            io.testFaultHook().onRequest(head);
        }

        exchange.route = io.router().route(head.buffer(), head.pathOffset(), head.pathLength());
        if (exchange.route == null)
        {
            respondLocally(404, "Not Found\n", exchange.hasBody());
            return;
        }

        state = State.WAIT_CHANNEL;
        deadlineNs = nowNs + io.timeouts().queueNs();
        client.interest(SelectionKey.OP_READ, false);
        if (!io.dispatch(this) && !io.enqueue(this))
        {
            failExchange(503, "Service Unavailable\n");
        }
    }

    public void onRingSpace()
    {
        leg.pumpBody();
    }

    public void onChannel(final long channelId, final int workerSlot, final ChannelEnd end)
    {
        leg.onChannel(channelId, workerSlot, end);
    }

    public int onOutbound()
    {
        return leg.onOutbound();
    }

    public void onWorkerFault(final String what)
    {
        leg.onWorkerFault(what);
    }

    public void onWorkerLost()
    {
        leg.onWorkerLost();
    }

    HttpWorkspace workspace()
    {
        return workspace;
    }

    /**
     * @return the worker slot the current request's session id names ({@code JSESSIONID=....w1}), or -1.
     */
    int sessionWorker()
    {
        return exchange.sessionWorker;
    }

    public boolean retryDispatch()
    {
        return state != State.WAIT_CHANNEL || io.dispatch(this);
    }

    /**
     * @return true when everything is written.
     */
    boolean flush() throws IOException
    {
        return client.flush(workspace.out);
    }

    void completeExchange()
    {
        if (state == State.BODY || state == State.WAIT_CHANNEL)
        {
            // answered before the whole body came: what is left of it must not be read as requests
            exchange.keepAlive = false;
        }
        leg.releaseChannel();
        if (exchange.eventPending)
        {
            publishEvent(exchange.abortedBeforeHead ? 502 : exchange.responseStatus);
        }
        if (!exchange.keepAlive || exchange.closeAfterResponse)
        {
            state = State.CLOSED;
            closeWhenFlushed();
            return;
        }
        awaitNextRequest();
    }

    /**
     * Keep-alive: back to reading heads, starting with pipelined bytes already read, once the response has
     * left (so that it is neither overwritten nor overtaken).
     */
    private void awaitNextRequest()
    {
        workspace.parser.reset();
        headDeadlineArmed = false;
        state = State.READ_HEAD;
        deadlineNs = System.nanoTime() + io.timeouts().idleNs();
        // else reading resumes once the response has left (afterFlush); parseHeads stops it meanwhile
        parseHeads();
    }

    private void afterFlush()
    {
        if (state == State.CLOSED)
        {
            close();
        }
        else if (state == State.READ_HEAD)
        {
            parseHeads();
        }
    }

    void closeWhenFlushed()
    {
        if (workspace == null || workspace.out.position() == 0)
        {
            close();
        }
        else
        {
            // nothing more is read: a client that keeps sending must not keep the key readable
            client.interest(SelectionKey.OP_READ, false);
            client.interest(SelectionKey.OP_WRITE, true);
        }
    }

    /**
     * Hands the exchange's facts to the request-event ring (access log, metrics): once per exchange.
     */
    private void publishEvent(final int status)
    {
        final HttpWorkspace current = workspace;
        final long sent = client.written() - exchange.writtenAtStart + exchange.gatheredBytes +
            (current == null ? 0 : current.out.position());
        events.publish(exchange, current == null ? null : current.parser.head(), exchange.headComplete,
            clientAddress, status, sent, exchange.route == null ? null : exchange.route.application(),
            exchange.workerSlot);
    }

    // ---------------------------------------------------------------- failures

    private void reject(final int status, final String reason)
    {
        if (events.enabled())
        {
            // a head refused: the exchange is the bytes read so far, since the head's first byte
            if (!headDeadlineArmed)
            {
                exchange.startNs = System.nanoTime();
            }
            exchange.queueWaitNs = -1;
            exchange.route = null;
            exchange.workerSlot = -1;
            exchange.bodyBytes = 0;
            exchange.writtenAtStart = client.written();
            exchange.gatheredBytes = 0;
            exchange.eventPending = true;
            exchange.headComplete = false;
        }
        // framing is in doubt after a bad head: answer and close
        // a head refused before it was whole has no id of its own yet: the log line gets a fresh one
        exchange.requestIdLength = io.requestIds().generate(exchange.requestId);
        exchange.keepAlive = false;
        exchange.headRequest = false;
        respondLocally(status, reason + "\n", true);
    }

    /**
     * Answers with a response made by the CM itself, then closes or goes on with the next request.
     */
    void respondLocally(final int status, final String body, final boolean close)
    {
        workspace.putLocalResponse(status, body, close, exchange);
        try
        {
            flush();
        }
        catch (final IOException ex)
        {
            close();
            return;
        }
        if (exchange.eventPending)
        {
            publishEvent(status);
        }

        if (!exchange.keepAlive)
        {
            state = State.CLOSED;
            closeWhenFlushed();
        }
        else
        {
            awaitNextRequest();
        }
    }

    /**
     * Fails the current exchange with a CM-made response; the channel, if any, is released.
     */
    void failExchange(final int status, final String body)
    {
        leg.abandonChannel();
        if (exchange.responseHeadSent)
        {
            close();
            return;
        }
        respondLocally(status, body, true);
    }

    /**
     * After an unexpected failure in this connection's handling: the worker is told, the channel drains to
     * its final frame, the socket closes.
     */
    public void abandon()
    {
        try
        {
            onClientGone();
        }
        catch (final RuntimeException ex)
        {
            close();
        }
    }

    void onClientGone()
    {
        lease.inputClosed(true);
        leg.abandonChannel();
        io.dequeue(this);
        close();
    }

    /**
     * Checks the deadline of the current phase, and the rate of a body coming in.
     */
    public void checkTimeout(final long nowNs)
    {
        if (state == State.BODY && leg.bodyTooSlow(nowNs))
        {
            // a body trickling in below the minimum rate holds a channel and a worker thread: cut it off
            failExchange(408, "Request Timeout\n");
            return;
        }
        if (nowNs - deadlineNs < 0)
        {
            return;
        }

        switch (state)
        {
            case READ_HEAD ->
            {
                if (workspace == null && lease.isAwaiting())
                {
                    final long before = client.written();
                    lease.refuseUnserved();
                    if (events.enabled())
                    {
                        exchange.startNs = deadlineNs - io.timeouts().queueNs();
                        exchange.queueWaitNs = -1;
                        exchange.bodyBytes = 0;
                        exchange.writtenAtStart = before;
                        exchange.gatheredBytes = 0;
                        events.publish(exchange, null, false, clientAddress, 503, client.written() - before, null, -1);
                    }
                }
                if (workspace == null || workspace.parser.isIdle())
                {
                    close();
                }
                else
                {
                    reject(408, "Request Timeout");
                }
            }
            case WAIT_CHANNEL ->
            {
                io.dequeue(this);
                exchange.queueWaitNs = nowNs - exchange.startNs;
                respondLocally(503, "Service Unavailable\n", true);
            }
            case BODY, AWAIT_RESPONSE -> failExchange(504, "Gateway Timeout\n");
            case CLOSED -> close();
        }
    }

    public void close()
    {
        leg.awaitingWorker(false);
        if (exchange.eventPending)
        {
            // the exchange ends with the connection: what the worker said if it said anything, else the
            // client left (or was cut off) first
            publishEvent(exchange.responseHeadSent ? exchange.responseStatus : 499);
        }
        if (state == State.CLOSED && !key.isValid())
        {
            return;
        }
        state = State.CLOSED;
        lease.close();
        workspace = null;
        io.closed(this);
        client.close();
    }
}
