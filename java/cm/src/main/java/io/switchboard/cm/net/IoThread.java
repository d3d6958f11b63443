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
    private static final long MIN_SPIN_NS = Math.min(1_000, Long.getLong("switchboard.io.maxSpinNs", 50_000));
    /** Longest spin before blocking; {@code -Dswitchboard.io.maxSpinNs} overrides it (for measurements). */
    private static final long MAX_SPIN_NS = Long.getLong("switchboard.io.maxSpinNs", 50_000);
    /**
     * How long to poll (yielding), rather than sleep, while a distributed session waits for its worker's answer,
     * and after a session's last frame went by: a worker answers in microseconds, and sleeping would put two
     * thread wake-ups (worker to waker, waker to selector) on every call; a client that got its answer calls
     * again one round trip later, and a sleeping selector would add a wake-up to that call too.
     * {@code -Dswitchboard.io.rpcSpinNs} overrides it.
     */
    private static final long RPC_AWAIT_SPIN_NS = Long.getLong("switchboard.io.rpcSpinNs", 200_000);
    private static final long IDLE_SELECT_MS = 100;
    private static final long EMPTY_SELECT_MS = 1_000;

    private final int index;
    private final SharedSegment segment;
    private final MemorySegment memory;
    private final ByteBuffer segmentBuffer;
    private final ByteBuffer ringView;
    private final ChannelTable channels;
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
    private final Connection[] bySlot;
    private final long[] retiringIds;
    /** What each channel slot this thread allocated carries, to check the slot words against. */
    private final ChannelKind[] heldKinds;
    /** Which incarnation of its worker each channel slot this thread allocated was given to. */
    private final int[] heldIncarnations;
    private final int[] retiringWorkers;
    private int retiringCount;
    private final ChannelEnd[][] ends;
    private final Set<Connection> connections = new HashSet<>();
    private Connection[] timerScratch = new Connection[64];
    private final ArrayDeque<Connection> waiting = new ArrayDeque<>();
    private final int maxWaiting;
    private final List<Connection> blocked = new ArrayList<>();
    private final List<Connection> blockedScratch = new ArrayList<>();
    private final RpcSettings rpcSettings;
    private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final Queue<Long> lostWorkers = new ConcurrentLinkedQueue<>();
    /** Worker slot (low half) and incarnation (high half) of each cut-off request. */
    private final Queue<Long> cutOffWorkers = new ConcurrentLinkedQueue<>();
    /**
     * Per worker slot, the incarnation cut off for writing garbage: while it is
     * the slot's current one ({@link WorkerPool#incarnation}), none of its rings
     * is read. Keyed by incarnation, so that a cut-off arriving late (another
     * thread's, after the death was handled here) cannot condemn the replacement.
     */
    private final int[] condemnedIncarnation;
    private final WorkerFaultHandler faultHandler;
    private final FailureHandler failureHandler;
    private final ConnectionLimit connectionLimit;
    private final TestFaultHook testFaultHook = TestFaultHook.fromSystemProperty();
    /** Published by this thread while stopping, for {@link #isBusy()} on the thread that stops it. */
    private volatile boolean busyWhileStopping = true;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean stopping;
    private long spinBudgetNs = MAX_SPIN_NS;
    private long awaitingAnswers;
    private boolean sessionTraffic;
    private long lastSessionTrafficNs;
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
        this.channels = new ChannelTable(segment);
        this.workers = workers;
        this.doorbell = segment.cmDoorbell(index);
        this.eventCount = doorbell.eventCount();
        this.router = router;
        this.limits = limits;
        this.timeouts = timeouts;
        this.buffers = buffers;
        this.maxWaiting = maxWaiting;
        this.faultHandler = faultHandler;
        this.condemnedIncarnation = new int[workers.slotCount()];
        java.util.Arrays.fill(condemnedIncarnation, -1);
        this.bySlot = new Connection[channels.slotCount()];
        this.retiringIds = new long[channels.slotCount()];
        this.heldKinds = new ChannelKind[channels.slotCount()];
        this.heldIncarnations = new int[channels.slotCount()];
        this.retiringWorkers = new int[channels.slotCount()];
        this.ends = new ChannelEnd[channels.slotCount()][];
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
        long idleSinceNs = 0;
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
                if (retiringCount > 0)
                {
                    work += releaseRetired();
                }
                work += retryBlocked();
                work += retryWaiting();
                final long nowNs = System.nanoTime();
                if (nowNs - nextTimerNs >= 0)
                {
                    checkTimers(nowNs);
                    nextTimerNs = nowNs + TIMER_INTERVAL_NS;
                }

                if (stopping)
                {
                    busyWhileStopping = hasWorkInFlight();
                }
                if (sessionTraffic)
                {
                    sessionTraffic = false;
                    lastSessionTrafficNs = nowNs;
                }
                if (work > 0)
                {
                    if (idleSinceNs != 0)
                    {
                        // work came while spinning: the spin paid off
                        spinBudgetNs = Math.min(MAX_SPIN_NS, spinBudgetNs * 2);
                    }
                    idleSinceNs = 0;
                    continue;
                }

                if (idleSinceNs == 0)
                {
                    idleSinceNs = nowNs;
                }
                if ((awaitingAnswers > 0 || nowNs - lastSessionTrafficNs < RPC_AWAIT_SPIN_NS) &&
                    nowNs - idleSinceNs < RPC_AWAIT_SPIN_NS)
                {
                    // yield, not a bare spin: on a machine with few cores the client and the worker
                    // need the CPU this thread would burn, and a yield gives it to them
                    Thread.yield();
                    continue;
                }
                if (nowNs - idleSinceNs < spinBudgetNs)
                {
                    Thread.onSpinWait();
                    continue;
                }

                spinBudgetNs = Math.max(MIN_SPIN_NS, spinBudgetNs / 2);
                block();
                idleSinceNs = 0;
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
        final long timeoutMs = !blocked.isEmpty() ? 1 : connections.isEmpty() ? EMPTY_SELECT_MS : IDLE_SELECT_MS;
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
        final Connection connection = bySlot[slot];
        if (connection == null || isCutOff(connection.workerSlot()))
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

    private int retryBlocked()
    {
        if (blocked.isEmpty())
        {
            return 0;
        }
        blockedScratch.addAll(blocked);
        blocked.clear();
        for (final Connection connection : blockedScratch)
        {
            try
            {
                connection.onRingSpace();
            }
            catch (final Throwable ex)
            {
                connectionFailed(connection, ex);
            }
        }
        final int work = blockedScratch.size() - blocked.size();
        blockedScratch.clear();
        return Math.max(work, 0);
    }

    private int retryWaiting()
    {
        int work = 0;
        while (!waiting.isEmpty())
        {
            final Connection next = waiting.peek();
            try
            {
                if (!next.retryDispatch())
                {
                    break;
                }
            }
            catch (final Throwable ex)
            {
                waiting.poll();
                connectionFailed(next, ex);
                continue;
            }
            waiting.poll();
            work++;
        }
        return work;
    }

    private int handleCutOffWorkers()
    {
        Long request;
        int work = 0;
        while ((request = cutOffWorkers.poll()) != null)
        {
            work++;
            final int slot = (int)(long)request;
            final int incarnation = (int)(request >>> 32);
            if (incarnation != workers.incarnation(slot))
            {
                // the worker died and was replaced since: its channels were reclaimed already
                continue;
            }
            condemnedIncarnation[slot] = incarnation;
            for (int channel = 0; channel < bySlot.length; channel++)
            {
                final Connection connection = bySlot[channel];
                if (connection != null && connection.workerSlot() == slot)
                {
                    final long id = connection.channelId();
                    bySlot[channel] = null;
                    workers.channelClosed(slot);
                    if (connection.channelKind() == ChannelKind.RPC)
                    {
                        workers.sessionClosed(slot);
                    }
                    holdUntilDead(id, slot);
                    connection.onWorkerLost();
                }
            }
        }
        return work;
    }

    /**
     * Keeps a cut-off worker's channel out of the free list: {@link #handleLostWorkers} frees it.
     */
    private void holdUntilDead(final long channelId, final int worker)
    {
        retiringIds[retiringCount] = channelId;
        retiringWorkers[retiringCount] = worker;
        retiringCount++;
    }

    private int handleLostWorkers()
    {
        Long notice;
        int work = 0;
        while ((notice = lostWorkers.poll()) != null)
        {
            work++;
            final int slot = (int)(long)notice;
            final int incarnation = (int)(notice >>> 32);
            for (int channel = 0; channel < bySlot.length; channel++)
            {
                final Connection connection = bySlot[channel];
                if (connection != null && connection.workerSlot() == slot && heldIncarnations[channel] == incarnation)
                {
                    final long id = connection.channelId();
                    bySlot[channel] = null;
                    reclaim(id, slot);
                    workers.channelClosed(slot);
                    if (connection.channelKind() == ChannelKind.RPC)
                    {
                        workers.sessionClosed(slot);
                    }
                    connection.onWorkerLost();
                }
            }
            for (int i = 0; i < retiringCount; )
            {
                if (retiringWorkers[i] == slot && heldIncarnations[ChannelId.slot(retiringIds[i])] == incarnation)
                {
                    reclaim(retiringIds[i], slot);
                    retiringCount--;
                    retiringIds[i] = retiringIds[retiringCount];
                    retiringWorkers[i] = retiringWorkers[retiringCount];
                }
                else
                {
                    i++;
                }
            }
        }
        return work;
    }

    /**
     * Frees a channel of a dead worker whatever the worker left in its slot; what it left wrong is logged.
     */
    private void reclaim(final long channelId, final int worker)
    {
        final String wrong = channels.reclaim(channelId);
        if (wrong != null)
        {
            LOG.warn("worker {} left channel {} rewritten ({}); reclaimed it", worker, ChannelId.toString(channelId), wrong);
        }
    }

    private void checkTimers(final long nowNs)
    {
        auditChannels();
        // a copy, because a timeout closes its connection; the array is kept and only grows
        timerScratch = connections.toArray(timerScratch);
        final int count = connections.size();
        for (int i = 0; i < count; i++)
        {
            final Connection connection = timerScratch[i];
            timerScratch[i] = null;
            try
            {
                connection.checkTimeout(nowNs);
            }
            catch (final Throwable ex)
            {
                connectionFailed(connection, ex);
            }
        }
    }

    /**
     * Checks the slot words of every channel in flight against what its worker may
     * write (see {@link ChannelTable#checkHeld}). On the timer, not per frame: a
     * worker that rewrites its channel's generation makes its own runtime stop
     * writing to it, so without this look the request would wait for its timeout.
     */
    private void auditChannels()
    {
        for (int slot = 0; slot < bySlot.length; slot++)
        {
            final Connection connection = bySlot[slot];
            if (connection != null && !isCutOff(connection.workerSlot()))
            {
                final String wrong = channels.checkHeld(
                    connection.channelId(), connection.channelKind(), connection.workerSlot(), index);
                if (wrong != null)
                {
                    connection.onWorkerFault(wrong);
                }
            }
        }
    }

    // ---------------------------------------------------------------- called by connections

    /**
     * Opens a channel to the least loaded ready worker for the connection's request.
     *
     * @return false when no channel or no worker is available now.
     */
    boolean dispatch(final HttpConnection connection)
    {
        // counted as open before the channel exists: a worker being drained then waits for it (see WorkerPool)
        final int worker = workers.acquire();
        if (worker == WorkerPool.NONE)
        {
            return false;
        }
        final long channelId = channels.allocate(ChannelKind.HTTP, worker, index);
        if (channelId == ChannelId.NONE)
        {
            workers.unacquire(worker);
            return false;
        }
        scrubIfWritten(channelId);
        final int slot = ChannelId.slot(channelId);
        heldKinds[slot] = ChannelKind.HTTP;
        heldIncarnations[slot] = workers.incarnation(worker);
        bySlot[slot] = connection;
        connection.onChannel(channelId, worker, end(slot, worker));
        return true;
    }

    /**
     * Opens the one channel of a distributed session, to the ready worker with the fewest sessions.
     *
     * @return false when no channel or no worker is available now.
     */
    boolean openSession(final RpcConnection connection)
    {
        // counted before the channel exists, as for a request (see WorkerPool)
        final int worker = workers.acquireSession(connection.affinity());
        if (worker == WorkerPool.NONE)
        {
            return false;
        }
        final long channelId = channels.allocate(ChannelKind.RPC, worker, index);
        if (channelId == ChannelId.NONE)
        {
            workers.unacquireSession(worker);
            return false;
        }
        scrubIfWritten(channelId);
        final int slot = ChannelId.slot(channelId);
        heldKinds[slot] = ChannelKind.RPC;
        heldIncarnations[slot] = workers.incarnation(worker);
        bySlot[slot] = connection;
        connection.onChannel(channelId, worker, end(slot, worker));
        return true;
    }

    /**
     * The count of requests and calls waiting for a worker's answer changed by {@code delta}.
     */
    void awaitingAnswers(final long delta)
    {
        awaitingAnswers += delta;
    }

    /**
     * A session's frames went by: keep polling a while, the next call is likely near.
     */
    void sessionTraffic()
    {
        sessionTraffic = true;
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
     * A FREE slot is no worker's: frames in it were written by a worker into a channel not its own.
     */
    private void scrubIfWritten(final long channelId)
    {
        if (!channels.isOutboundEmpty(channelId))
        {
            // whoever wrote there cannot be named: every worker maps every ring
            LOG.warn("I/O thread {}: channel {} held frames while FREE (a worker wrote to a channel that is not its own);" +
                " scrubbed it", index, ChannelId.toString(channelId));
            channels.scrub(channelId);
        }
    }

    private ChannelEnd end(final int slot, final int worker)
    {
        ChannelEnd[] perWorker = ends[slot];
        if (perWorker == null)
        {
            perWorker = new ChannelEnd[workers.slotCount()];
            ends[slot] = perWorker;
        }
        ChannelEnd end = perWorker[worker];
        if (end == null)
        {
            end = ChannelEnd.forCm(segment, slot, worker);
            perWorker[worker] = end;
        }
        return end;
    }

    /**
     * Queues a connection until a worker or channel is free; {@link Connection#retryDispatch()} is retried in order.
     *
     * @return false when the queue is full: the connection must fail what it wanted.
     */
    boolean enqueue(final Connection connection)
    {
        if (waiting.size() >= maxWaiting)
        {
            return false;
        }
        waiting.add(connection);
        return true;
    }

    void dequeue(final Connection connection)
    {
        waiting.remove(connection);
    }

    void blockedOnRing(final Connection connection)
    {
        if (!blocked.contains(connection))
        {
            blocked.add(connection);
        }
    }

    /**
     * A connection is done with its channel: CLOSING now, released (and the slot
     * reused) once the worker has marked the generation done, so that a worker
     * still finishing cannot meet the slot's next request. The worker's mark
     * rings this thread's doorbell.
     */
    void retire(final long channelId, final int worker, final ChannelEnd end)
    {
        final int slot = ChannelId.slot(channelId);
        if (bySlot[slot] != null && bySlot[slot].channelId() == channelId)
        {
            bySlot[slot] = null;
        }
        workers.channelClosed(worker);
        if (isCutOff(worker))
        {
            // a rogue may mark the channel done and write on: it is freed once the process is gone
            holdUntilDead(channelId, worker);
            return;
        }
        final String wrong = channels.checkHeld(channelId, heldKinds[slot], worker, index);
        if (wrong != null)
        {
            reportBadWorker(worker, channelId, wrong);
            holdUntilDead(channelId, worker);
            return;
        }
        channels.beginClose(channelId);
        if (channels.isWorkerDone(channelId))
        {
            channels.release(channelId);
            return;
        }
        retiringIds[retiringCount] = channelId;
        retiringWorkers[retiringCount] = worker;
        retiringCount++;
        if (end != null)
        {
            // the worker learns of CLOSING from its doorbell
            end.signalPeer();
        }
    }

    private int releaseRetired()
    {
        int released = 0;
        for (int i = 0; i < retiringCount; )
        {
            final long id = retiringIds[i];
            final int worker = retiringWorkers[i];
            if (isCutOff(worker))
            {
                i++;
                continue;
            }
            final String wrong = channels.checkHeld(id, heldKinds[ChannelId.slot(id)], worker, index);
            if (wrong != null)
            {
                // stays in the list, held until the worker is gone
                reportBadWorker(worker, id, wrong);
                i++;
                continue;
            }
            if (channels.isWorkerDone(id))
            {
                channels.release(id);
                retiringCount--;
                retiringIds[i] = retiringIds[retiringCount];
                retiringWorkers[i] = retiringWorkers[retiringCount];
                released++;
            }
            else
            {
                i++;
            }
        }
        return released;
    }

    void beginClose(final long channelId)
    {
        channels.beginClose(channelId);
    }

    void closed(final Connection connection)
    {
        if (connections.remove(connection))
        {
            connectionLimit.release();
        }
        blocked.remove(connection);
    }

    /**
     * A worker wrote what no correct worker writes: logs it with the channel and
     * cuts the worker off (here at once, on the other threads through the handler).
     */
    void reportBadWorker(final int worker, final long channelId, final String what)
    {
        final boolean first = !isCutOff(worker);
        LOG.error("worker {} wrote garbage on channel {} (slot/generation): {}; {}", worker,
            ChannelId.toString(channelId), what, first ? "cutting the worker off" : "already cut off");
        if (first)
        {
            final int incarnation = workers.incarnation(worker);
            condemnedIncarnation[worker] = incarnation;
            faultHandler.onWorkerFault(worker, incarnation, "channel " + ChannelId.toString(channelId) + ": " + what);
        }
    }

    boolean isCutOff(final int worker)
    {
        return condemnedIncarnation[worker] == workers.incarnation(worker);
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
        for (final Connection connection : bySlot)
        {
            if (connection != null)
            {
                return true;
            }
        }
        return !waiting.isEmpty() || retiringCount > 0;
    }

    private void shutdown()
    {
        for (final Connection connection : connections.toArray(new Connection[0]))
        {
            connection.close();
        }
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
