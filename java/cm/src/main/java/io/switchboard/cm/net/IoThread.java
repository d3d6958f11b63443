package io.switchboard.cm.net;

import io.switchboard.cm.routing.Router;
import io.switchboard.cm.dispatch.WorkerPool;
import io.switchboard.cm.http.HttpDate;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.signal.EventCount;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread of the CM: a selector for its client sockets and a CM
 * doorbell for the frames workers write back on its channels, served by one
 * loop, so a connection and its channel are only ever touched by this thread.
 * <p>
 * Idling: while anything moved, the loop polls both without blocking; with
 * nothing to do (after an optional adaptive spin, off by default: see
 * {@code MAX_SPIN_NS}) it announces itself on the doorbell's eventcount, arms
 * its {@link SelectorWaker} and blocks in {@code select}: a socket event or a
 * worker's ring (through the waker) ends the block. Nothing spins while the
 * instance is idle.
 */
public final class IoThread implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(IoThread.class);

    /**
     * Told when an I/O thread cannot go on: its loop threw outside any one connection's handling.
     */
    @FunctionalInterface
    public interface FailureHandler
    {
        /**
         * Called on the failed I/O thread, which then closes its connections and ends.
         */
        void onIoThreadFailed(int index, Throwable cause);
    }

    /**
     * Per-connection buffer sizes.
     *
     * @param inputCapacity  read buffer: heads and pipelined requests.
     * @param outputCapacity write buffer: a response head and what a socket did not take.
     */
    public record Buffers(int inputCapacity, int outputCapacity)
    {
        int flushThreshold()
        {
            return outputCapacity / 2;
        }
    }

    /** Free workspaces kept for reuse beyond a burst; more are dropped for the collector. */
    private static final int MAX_RETAINED_WORKSPACES = 256;
    private static final long TIMER_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final int index;
    private final SharedSegment segment;
    private final MemorySegment memory;
    private final ByteBuffer segmentBuffer;
    private final ByteBuffer ringView;
    private final WorkerPool workers;
    private final Doorbell doorbell;
    private final EventCount eventCount;
    private final Selector selector;
    private final SelectorWaker waker;
    private final Router router;
    private final HttpLimits limits;
    private final Timeouts timeouts;
    private final Buffers buffers;
    private final HttpDate httpDate = new HttpDate(java.time.InstantSource.system());
    private final WorkspacePool workspaces;
    private final ChannelLedger ledger;
    private final IoConnections connections;
    private final IdlePolicy idle = new IdlePolicy();
    private final RpcSettings rpcSettings;
    private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final Queue<Long> lostWorkers = new ConcurrentLinkedQueue<>();
    /** Worker slot (low half) and incarnation (high half) of each cut-off request. */
    private final Queue<Long> cutOffWorkers = new ConcurrentLinkedQueue<>();
    private final WorkerFaultHandler faultHandler;
    private final FailureHandler failureHandler;
    private final ConnectionLimit connectionLimit;
    private final TestFaultHook testFaultHook = TestFaultHook.fromSystemProperty();
    /** Published by this thread while stopping, for {@link #isBusy()} on the thread that stops it. */
    private volatile boolean busyWhileStopping = true;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopping;
    private long nextTimerNs;

    public IoThread(
        final int index,
        final int ioThreadCount,
        final SharedSegment segment,
        final WorkerPool workers,
        final Router router,
        final HttpLimits limits,
        final Timeouts timeouts,
        final Buffers buffers,
        final int maxWaiting,
        final RpcSettings rpcSettings,
        final WorkerFaultHandler faultHandler,
        final FailureHandler failureHandler,
        final ConnectionLimit connectionLimit)
    {
        this.connectionLimit = connectionLimit;
        this.failureHandler = failureHandler;
        this.rpcSettings = rpcSettings;
        this.index = index;
        this.segment = segment;
        this.memory = segment.memory();
        if (memory.byteSize() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("segment of " + memory.byteSize() + " bytes: the CM maps at most 2 GiB");
        }
        this.segmentBuffer = memory.asByteBuffer();
        this.ringView = segmentBuffer.duplicate();
        this.workers = workers;
        this.doorbell = segment.cmDoorbell(index);
        this.eventCount = doorbell.eventCount();
        this.router = router;
        this.limits = limits;
        this.timeouts = timeouts;
        this.buffers = buffers;
        this.connections = new IoConnections(maxWaiting, this::connectionFailed);
        this.faultHandler = faultHandler;
        this.ledger = new ChannelLedger(index, segment, workers, faultHandler, this::connectionFailed);
        try
        {
            this.selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open a selector", ex);
        }
        this.waker = new SelectorWaker(eventCount, selector, "switchboard-io-" + index + "-waker");
        final RequestBodyPump.ClientBytes ringBytes = new RequestBodyPump.ClientBytes()
        {
            public ByteBuffer ringView(final long offset, final int length)
            {
                return IoThread.this.ringView(offset, length);
            }

            public MemorySegment memory()
            {
                return memory;
            }
        };
        final ResponseRelay.Context relayContext = new ResponseRelay.Context()
        {
            public ByteBuffer ringView(final long offset, final int length)
            {
                return IoThread.this.ringView(offset, length);
            }

            public boolean isStopping()
            {
                return stopping;
            }
        };
        this.workspaces = new WorkspacePool(
            () -> new HttpWorkspace(buffers, limits, httpDate, ringBytes, relayContext),
            WorkspacePool.defaultMaxWorkspaces(buffers, ioThreadCount), MAX_RETAINED_WORKSPACES);
        this.thread = new Thread(this, "switchboard-io-" + index);
    }

    public void start()
    {
        thread.start();
    }

    /**
     * What a listening port speaks.
     */
    public enum Protocol
    {
        /** HTTP/1.1, or a distributed session recognised by its first byte. */
        HTTP_OR_RPC,
        /** Distributed sessions only: the dedicated RPC port. */
        RPC
    }

    private record Accepted(SocketChannel socket, Protocol protocol)
    {
    }

    /**
     * Acceptor thread: hands over a new client connection.
     */
    public void adopt(final SocketChannel socket, final Protocol protocol)
    {
        accepted.add(new Accepted(socket, protocol));
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
        cutOffWorkers.add(((long)incarnation << 32) | (slot & 0xFFFF_FFFFL));
        selector.wakeup();
    }

    /**
     * Supervisor thread: the worker in {@code slot}, its {@code incarnation}, died. Only what was given to that
     * incarnation fails: a replacement in the same slot (a spare is READY in milliseconds) may have been
     * given requests before this thread reads the notice.
     */
    public void workerLost(final int slot, final int incarnation)
    {
        lostWorkers.add(((long)incarnation << 32) | (slot & 0xFFFF_FFFFL));
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
                work += adoptAccepted();
                work += handleCutOffWorkers();
                work += handleLostWorkers();
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

    /**
     * A connection's handling threw: a bug, or memory running out. It costs that connection, never the
     * thread's others; the worker is not blamed (what a worker wrote wrong is caught, and reported, where it
     * is read).
     */
    private void connectionFailed(final Connection connection, final Throwable cause)
    {
        LOG.error("I/O thread {}: a connection failed and is closed (channel {}, worker {})", index,
            ChannelId.toString(connection.channelId()), connection.workerSlot(), cause);
        try
        {
            connection.abandon();
        }
        catch (final Throwable ex)
        {
            LOG.error("I/O thread {}: abandoning the failed connection failed too; closing it", index, ex);
            connection.close();
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

    private int adoptAccepted()
    {
        int work = 0;
        Accepted next;
        while ((next = accepted.poll()) != null)
        {
            work++;
            final SocketChannel socket = next.socket();
            try
            {
                socket.configureBlocking(false);
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final SelectionKey key = socket.register(selector, SelectionKey.OP_READ);
                final Connection connection = next.protocol() == Protocol.RPC ?
                    new RpcConnection(this, rpcSettings, socket, key, buffers, null) :
                    new HttpConnection(this, socket, key);
                key.attach(connection);
                connections.add(connection);
            }
            catch (final IOException ex)
            {
                closeQuietly(socket);
                connectionLimit.release();
            }
            catch (final Throwable ex)
            {
                // out of memory for one more connection: it is refused, the others go on
                LOG.error("I/O thread {}: cannot take a new connection; closed it", index, ex);
                closeQuietly(socket);
                connectionLimit.release();
            }
        }
        return work;
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
                connectionFailed(connection, ex);
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
            connectionFailed(connection, ex);
            return 1;
        }
    }

    private int handleCutOffWorkers()
    {
        Long request;
        int work = 0;
        while ((request = cutOffWorkers.poll()) != null)
        {
            work++;
            ledger.cutOff((int)(long)request, (int)(request >>> 32));
        }
        return work;
    }

    private int handleLostWorkers()
    {
        Long notice;
        int work = 0;
        while ((notice = lostWorkers.poll()) != null)
        {
            work++;
            ledger.workerLost((int)(long)notice, (int)(notice >>> 32));
        }
        return work;
    }

    // ---------------------------------------------------------------- called by connections

    /**
     * Opens a channel to the least loaded ready worker for the connection's request.
     *
     * @return false when no channel or no worker is available now.
     */
    boolean dispatch(final HttpConnection connection)
    {
        return ledger.open(connection, ChannelKind.HTTP, null);
    }

    /**
     * Opens the one channel of a distributed session, to the ready worker with the fewest sessions (or the
     * one its affinity names).
     *
     * @return false when no channel or no worker is available now.
     */
    boolean openSession(final RpcConnection connection)
    {
        return ledger.open(connection, ChannelKind.RPC, connection.affinity());
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
        workers.sessionClosed(worker);
    }

    /**
     * An HTTP connection whose first byte opens a distributed session: the socket
     * becomes an {@link RpcConnection}, with the bytes read so far.
     */
    void switchToRpc(final HttpConnection from, final SocketChannel socket, final SelectionKey key, final ByteBuffer read)
    {
        connections.remove(from);
        final RpcConnection connection = new RpcConnection(this, rpcSettings, socket, key, buffers, read);
        key.attach(connection);
        connections.add(connection);
        try
        {
            connection.readHello();
        }
        catch (final IOException ex)
        {
            connection.abandon();
        }
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
            connectionLimit.release();
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
        ringView.clear();
        ringView.limit(Math.toIntExact(offset + length));
        ringView.position(Math.toIntExact(offset));
        return ringView;
    }

    ByteBuffer segmentBuffer()
    {
        return segmentBuffer;
    }

    MemorySegment memory()
    {
        return memory;
    }

    Router router()
    {
        return router;
    }

    HttpLimits limits()
    {
        return limits;
    }

    Timeouts timeouts()
    {
        return timeouts;
    }

    Buffers buffers()
    {
        return buffers;
    }

    WorkspacePool workspaces()
    {
        return workspaces;
    }

    HttpDate httpDate()
    {
        return httpDate;
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
        // handed over but never adopted: nobody else would close them
        Accepted pending;
        while ((pending = accepted.poll()) != null)
        {
            closeQuietly(pending.socket());
            connectionLimit.release();
        }
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

    private static void closeQuietly(final SocketChannel socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // nothing to do
        }
    }
}
