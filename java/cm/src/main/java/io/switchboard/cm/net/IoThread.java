package io.switchboard.cm.net;

import io.switchboard.cm.routing.Router;
import io.switchboard.cm.dispatch.WorkerPool;
import io.switchboard.cm.http.HttpDate;
import io.switchboard.cm.observe.RequestEventPublisher;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.signal.EventCount;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread of the CM: a selector for its client sockets and a CM
 * doorbell for the frames workers write back on its channels, served by one
 * loop, so a connection and its channel are only ever touched by this thread.
 * <p>
 * Idling ({@link IdlePolicy}): while anything moved, the loop polls both without blocking; with
 * nothing to do (after a short adaptive spin, and a while of yielding when an answer is due) it announces itself on the doorbell's eventcount, arms
 * its {@link SelectorWaker} and blocks in {@code select}: a socket event or a
 * worker's ring (through the waker) ends the block. Nothing spins while the
 * instance is idle.
 */
public final class IoThread implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(IoThread.class);

    /** Free workspaces kept for reuse beyond a burst; more are dropped for the collector. */
    private static final int MAX_RETAINED_WORKSPACES = 256;
    private static final long TIMER_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int index;
    private final IoThreadSettings settings;
    private final SegmentViews views;
    private final Doorbell doorbell;
    private final EventCount eventCount;
    private final Selector selector;
    private final SelectorWaker waker;
    private final HttpDate httpDate = new HttpDate(java.time.InstantSource.system());
    private final WorkspacePool workspaces;
    private final ChannelLedger ledger;
    private final IoConnections connections;
    private final IdlePolicy idle = new IdlePolicy();
    private final IoHandover handover = new IoHandover();
    private final ConnectionAdopter adopter;
    private final IoThreadFailureHandler failureHandler;
    private final TestFaultHook testFaultHook = TestFaultHook.fromSystemProperty();
    /** Each thread its own random prefix: ids stay unique across threads with no shared counter. */
    private final RequestIds requestIds = new RequestIds(new java.security.SecureRandom().nextLong());
    private final ExchangeEventWriter exchangeEvents;
    /** Published by this thread while stopping, for {@link #isBusy()} on the thread that stops it. */
    private volatile boolean busyWhileStopping = true;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopping;
    private long nextTimerNs;

    public IoThread(
        final int index,
        final SharedSegment segment,
        final WorkerPool workers,
        final IoThreadSettings settings,
        final WorkerFaultHandler faultHandler,
        final IoThreadFailureHandler failureHandler)
    {
        this.index = index;
        this.settings = settings;
        this.failureHandler = failureHandler;
        this.exchangeEvents = new ExchangeEventWriter(settings.events(), settings.events().copyFields());
        this.views = new SegmentViews(segment);
        this.doorbell = segment.cmDoorbell(index);
        this.eventCount = doorbell.eventCount();
        this.connections = new IoConnections(index, settings.maxWaiting());
        this.ledger = new ChannelLedger(index, segment, workers, faultHandler, connections::failed);
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open a selector", ex);
        }
        this.waker = new SelectorWaker(eventCount, selector, "switchboard-io-" + index + "-waker");
        this.workspaces = new WorkspacePool(
            () -> new HttpWorkspace(settings.buffers(), settings.limits(), httpDate, views, this::isStopping),
            WorkspacePool.defaultMaxWorkspaces(settings.buffers(), settings.ioThreadCount()), MAX_RETAINED_WORKSPACES);
        this.adopter = new ConnectionAdopter(this, selector, settings, connections, handover);
        this.thread = new Thread(this, "switchboard-io-" + index);
    }

    public void start()
    {
        thread.start();
    }

    /**
     * Acceptor thread: hands over a new client connection.
     */
    public void adopt(final SocketChannel socket, final ListenerProtocol protocol)
    {
        handover.accepted(socket, protocol);
        selector.wakeup();
    }

    /**
     * Any thread: the worker in {@code slot}, its {@code incarnation}, wrote garbage into the segment. Its
     * requests on this thread fail now (502, or the connection closed if the
     * response had started) and none of its rings is read again; its channels
     * are held back from reuse until {@link #workerLost} says the process is gone,
     * because a live rogue could still write into them.
     */
    public void cutOff(final int slot, final int incarnation)
    {
        handover.cutOff(slot, incarnation);
        selector.wakeup();
    }

    /**
     * Supervisor thread: the worker in {@code slot}, its {@code incarnation}, died. Only what was given to that
     * incarnation fails: a replacement in the same slot (a spare is READY in milliseconds) may have been
     * given requests before this thread reads the notice.
     */
    public void workerLost(final int slot, final int incarnation)
    {
        handover.workerLost(slot, incarnation);
        selector.wakeup();
    }

    public void run()
    {
        nextTimerNs = System.nanoTime() + TIMER_INTERVAL_NS;
        while (running)
        {
            int work = 0;
            try
            {
                if (testFaultHook != null)
                {
                    testFaultHook.onLoop();
                }
                work += adopter.adoptAccepted();
                work += handover.deliverWorkerNotices(ledger);
                if (selector.selectNow() > 0)
                {
                    work += handleKeys();
                }
                work += doorbell.poll(this::onChannelReady);
                if (ledger.hasRetiring())
                {
                    work += ledger.releaseRetired();
                }
                work += connections.retryBlocked();
                work += connections.retryWaiting();
                final long nowNs = System.nanoTime();
                if (nowNs - nextTimerNs >= 0)
                {
                    ledger.audit();
                    connections.checkTimeouts(nowNs);
                    nextTimerNs = nowNs + TIMER_INTERVAL_NS;
                }

                if (stopping)
                {
                    busyWhileStopping = hasWorkInFlight();
                }
                if (idle.shouldBlock(work, nowNs))
                {
                    block();
                }
            }
            catch (final IOException ex)
            {
                // the selector itself failed (a connection's own I/O errors are handled inside it)
                LOG.error("I/O thread {}: the selector failed; the thread cannot go on", index, ex);
                fail(ex);
            }
            catch (final Throwable ex)
            {
                LOG.error("I/O thread {}: failed outside any one connection; the thread cannot go on", index, ex);
                fail(ex);
            }
        }
        shutdown();
    }

    /**
     * The loop cannot go on: no thread would serve this thread's connections, so rather than linger as
     * an instance that still reports running, the thread ends and the failure handler stops the instance.
     */
    private void fail(final Throwable cause)
    {
        running = false;
        busyWhileStopping = false;
        try
        {
            failureHandler.onIoThreadFailed(index, cause);
        }
        catch (final Throwable ex)
        {
            cause.addSuppressed(ex);
        }
    }

    private void block() throws IOException
    {
        final int key = eventCount.prepareWait();
        if (doorbell.isSatisfied())
        {
            eventCount.cancelWait();
            return;
        }
        waker.arm(key);
        if (eventCount.epoch() != key)
        {
            // a worker signalled between the announcement and the arming: the waker may have
            // seen the signal before it was armed and gone back to sleep; do not block on it
            waker.disarm();
            eventCount.cancelWait();
            return;
        }
        // deadlines need the timer only while there are connections; an empty thread sleeps long
        final long timeoutMs = IdlePolicy.selectTimeoutMs(connections.hasBlocked(), connections.isEmpty());
        try
        {
            if (selector.select(timeoutMs) > 0)
            {
                handleKeys();
            }
        }
        finally
        {
            waker.disarm();
            eventCount.cancelWait();
        }
    }

    private int handleKeys()
    {
        int work = 0;
        final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext())
        {
            final SelectionKey key = keys.next();
            keys.remove();
            work++;
            final Connection connection = (Connection)key.attachment();
            if (!key.isValid())
            {
                continue;
            }
            try
            {
                if (key.isWritable())
                {
                    connection.onWritable();
                }
                if (key.isValid() && key.isReadable())
                {
                    connection.onReadable();
                }
            }
            catch (final Throwable ex)
            {
                connections.failed(connection, ex);
            }
        }
        return work;
    }

    private int onChannelReady(final int slot)
    {
        final Connection connection = ledger.connectionAt(slot);
        if (connection == null || ledger.isCutOff(connection.workerSlot()))
        {
            return 0;
        }
        try
        {
            return Math.max(connection.onOutbound(), 1);
        }
        catch (final Throwable ex)
        {
            connections.failed(connection, ex);
            return 1;
        }
    }

    // ---------------------------------------------------------------- called by connections

    /**
     * Opens a channel for the connection's request (to the least loaded ready worker) or session (the one with
     * the fewest sessions, or the one its affinity names): see {@link ChannelLedger#open}.
     *
     * @return false when no channel or no worker is available now.
     */
    boolean dispatch(final Connection connection)
    {
        if (connection instanceof RpcConnection session)
        {
            return ledger.open(connection, ChannelKind.RPC, session.affinity());
        }
        // sticky sessions: the worker a request's session id names, while it is READY
        final int sessionWorker = connection instanceof HttpConnection http ? http.sessionWorker() : WorkerPool.NONE;
        return ledger.open(connection, ChannelKind.HTTP, null, sessionWorker);
    }

    /**
     * The count of requests and calls waiting for a worker's answer changed by {@code delta}.
     */
    void awaitingAnswers(final long delta)
    {
        idle.awaitingAnswers(delta);
    }

    /**
     * A session's frames went by: keep polling a while, the next call is likely near.
     */
    void sessionTraffic()
    {
        idle.sessionTraffic();
    }

    void sessionClosed(final int worker)
    {
        ledger.sessionClosed(worker);
    }

    /**
     * An HTTP connection whose first byte opens a distributed session: see {@link ConnectionAdopter#switchToRpc}.
     */
    void switchToRpc(final HttpConnection from, final SocketChannel socket, final SelectionKey key, final ByteBuffer read)
    {
        adopter.switchToRpc(from, socket, key, read);
    }

    /**
     * Queues a connection until a worker or channel is free: see {@link IoConnections#enqueue}.
     */
    boolean enqueue(final Connection connection)
    {
        return connections.enqueue(connection);
    }

    void dequeue(final Connection connection)
    {
        connections.dequeue(connection);
    }

    void blockedOnRing(final Connection connection)
    {
        connections.blockedOnRing(connection);
    }

    /**
     * A connection is done with its channel: see {@link ChannelLedger#retire}.
     */
    void retire(final long channelId, final int worker, final ChannelEnd end)
    {
        ledger.retire(channelId, worker, end);
    }

    void beginClose(final long channelId)
    {
        ledger.beginClose(channelId);
    }

    void closed(final Connection connection)
    {
        if (connections.remove(connection))
        {
            settings.connectionLimit().release();
        }
    }

    /**
     * A worker wrote what no correct worker writes: see {@link ChannelLedger#reportBadWorker}.
     */
    void reportBadWorker(final int worker, final long channelId, final String what)
    {
        ledger.reportBadWorker(worker, channelId, what);
    }

    boolean isCutOff(final int worker)
    {
        return ledger.isCutOff(worker);
    }

    ByteBuffer ringView(final long offset, final int length)
    {
        return views.ringView(offset, length);
    }

    RequestIds requestIds()
    {
        return requestIds;
    }

    ByteBuffer segmentBuffer()
    {
        return views.whole();
    }

    SharedBuffer memory()
    {
        return views.memory();
    }

    Router router()
    {
        return settings.router();
    }

    Timeouts timeouts()
    {
        return settings.timeouts();
    }

    WorkspacePool workspaces()
    {
        return workspaces;
    }

    IoBuffers buffers()
    {
        return settings.buffers();
    }

    SessionLimit sessionLimit()
    {
        return settings.sessionLimit();
    }

    ExchangeEventWriter exchangeEvents()
    {
        return exchangeEvents;
    }

    RequestEventPublisher events()
    {
        return settings.events();
    }

    TestFaultHook testFaultHook()
    {
        return testFaultHook;
    }

    boolean isStopping()
    {
        return stopping;
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Asks the thread to stop taking new requests; in-flight ones finish.
     */
    public void beginStop()
    {
        stopping = true;
        selector.wakeup();
    }

    /**
     * Stops the thread, closing every connection, and waits for it.
     */
    public void stop(final long timeoutMs)
    {
        running = false;
        selector.wakeup();
        try
        {
            thread.join(timeoutMs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Any thread: requests and sessions this thread queues for a worker or channel now (for the metrics).
     */
    public int queuedCount()
    {
        return connections.waitingCount();
    }

    /**
     * @return whether any request is in flight on this thread.
     */
    public boolean isBusy()
    {
        return busyWhileStopping;
    }

    private boolean hasWorkInFlight()
    {
        return ledger.hasChannelsInFlight() || connections.hasWaiting();
    }

    private void shutdown()
    {
        connections.closeAll();
        adopter.closeUnadopted();
        waker.close();
        try
        {
            selector.close();
        }
        catch (final IOException ignored)
        {
            // shutting down
        }
    }
}
