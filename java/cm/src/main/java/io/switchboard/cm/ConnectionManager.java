package io.switchboard.cm;

import io.switchboard.cm.admin.AdminServer;
import io.switchboard.cm.admin.InstanceReadiness;
import io.switchboard.cm.admin.ObservabilityEndpoints;
import io.switchboard.cm.admin.StatusDocument;
import io.switchboard.cm.net.ClientAddress;
import io.switchboard.cm.observe.RequestEvent;
import io.switchboard.cm.observe.RequestEventPipeline;
import io.switchboard.cm.observe.RequestEventPublisher;
import io.switchboard.cm.observe.ScrapeSources;
import io.switchboard.cm.config.CmConfig;
import io.switchboard.cm.config.SegmentSize;
import io.switchboard.cm.routing.Router;
import io.switchboard.cm.dispatch.WorkerPool;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.net.ConnectionLimit;
import io.switchboard.cm.net.IoBuffers;
import io.switchboard.cm.net.IoThread;
import io.switchboard.cm.net.IoThreadSettings;
import io.switchboard.cm.net.ListenerProtocol;
import io.switchboard.cm.net.SessionLimit;
import io.switchboard.cm.supervisor.SupervisorSettings;
import io.switchboard.cm.supervisor.WorkerListener;
import io.switchboard.cm.supervisor.WorkerSupervisor;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.nativeshim.Errno;
import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.ring.RingDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SegmentNames;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.StaleSegmentJanitor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running instance: the segment, the I/O threads, the admin listener, the workers and their supervisor, and
 * the acceptors. {@link #start()} brings it up in that order, so that probes are answered ({@code /ready}: 503,
 * starting) while the first workers start and clients are let in only once they are READY; {@link #close()}
 * takes it down gracefully, in the order a load balancer in front needs:
 * <ol>
 *     <li>{@code /ready} answers 503 (before anything else happens);</li>
 *     <li>new requests are still served for {@code --shutdown-ready-grace-ms}, so that health checkers see the
 *     503 and stop sending before a connection is refused;</li>
 *     <li>the client listeners close; in-flight requests finish within the drain deadline;</li>
 *     <li>the workers stop; the segment is removed;</li>
 *     <li>the admin listener closes last, so that {@code /health}, {@code /ready} and the status answer while
 *     the instance drains.</li>
 * </ol>
 * <p>
 * {@link #drain()} ({@code POST /admin/drain}) is the same stop asked through the admin listener: {@code /ready}
 * turns 503 at once, then the stop the constructor was given runs (the launcher exits the process, so that its
 * shutdown hook runs {@link #close()} exactly as SIGTERM would). A session between calls ends with GOODBYE 9 once
 * the listeners are closed; one with a call awaited gets its answer first, within {@code --drain-ms}.
 * <p>
 * The segment has one worker slot more than the instance has workers: the room
 * in which a replacement starts while the worker it replaces still serves.
 */
public final class ConnectionManager implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionManager.class);
    private static final byte[] REFUSED_RESPONSE = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n" +
        "Content-Length: 28\r\nConnection: close\r\n\r\ntoo many connections; later\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final CmConfig config;
    private final java.util.function.Consumer<Throwable> onFatal;
    /** What {@link #drain()} runs, once, after /ready has turned 503: must not block, and leads to close(). */
    private final Runnable stopInstance;
    private final java.util.concurrent.atomic.AtomicBoolean drainAsked = new java.util.concurrent.atomic.AtomicBoolean();
    /** Why the instance failed (an I/O thread could not go on), or null while it serves. */
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    private SharedSegment segment;
    private WorkerPool workers;
    private WorkerSupervisor supervisor;
    private IoThread[] ioThreads;
    private ServerSocketChannel server;
    private Thread acceptor;
    private ServerSocketChannel rpcServer;
    private Thread rpcAcceptor;
    private AdminServer admin;
    private RequestEventPipeline events;
    private InetSocketAddress adminAddress;
    private volatile boolean accepting;
    /** Set first thing by {@link #close()}: {@code /ready} answers 503 from then on. */
    private volatile boolean stopping;
    /** Set once the client listeners are closed: the status says "stopping" rather than "draining". */
    private volatile boolean listenersClosed;
    /** Guards {@link #segment} between the admin's reads of the channel table and the unmap at close. */
    private final Object segmentLock = new Object();
    private final long startedAtNs = System.nanoTime();
    private long shutdownReadyGraceMs;
    private ConnectionLimit connectionLimit;
    private SessionLimit sessionLimit;
    private long refusedSinceLog;
    private long lastRefusalLogNs;
    private boolean closed;

    public ConnectionManager(final CmConfig config)
    {
        this(config, cause -> { });
    }

    /**
     * @param onFatal told, once, when the instance cannot serve any more (an I/O thread could not go on),
     *                after it has stopped accepting: the launcher ends the process with a non-zero status.
     */
    public ConnectionManager(final CmConfig config, final java.util.function.Consumer<Throwable> onFatal)
    {
        this(config, onFatal, null);
    }

    /**
     * @param stopInstance run once by {@link #drain()}, on the admin exchange's thread, so must not block: it
     *                     starts whatever ends in {@link #close()} (the launcher: the process's exit). Null: a thread
     *                     of its own runs {@link #close()}.
     */
    public ConnectionManager(
        final CmConfig config, final java.util.function.Consumer<Throwable> onFatal, final Runnable stopInstance)
    {
        this.config = config;
        this.onFatal = onFatal;
        this.stopInstance = stopInstance != null ? stopInstance :
            () -> new Thread(this::close, "switchboard-drain").start();
    }

    /**
     * Takes the instance out of service as a shutdown does ({@code POST /admin/drain}): {@code /ready} answers 503
     * from this call on; then the stop runs, once, whoever asks how often.
     *
     * @return true if this call began the drain; false if a drain or a shutdown had begun already.
     */
    public boolean drain()
    {
        // a shutdown under way (SIGTERM) is the same stop: nothing to add to it
        if (stopping || !drainAsked.compareAndSet(false, true))
        {
            return false;
        }
        stopping = true;
        LOG.info("drain asked: /ready answers 503 now; the instance stops as at SIGTERM");
        stopInstance.run();
        return true;
    }

    /**
     * An I/O thread's loop failed: its connections are lost and no thread would serve what the acceptor
     * hands it, so the instance stops taking connections and reports "failed" rather than "running".
     */
    private void onIoThreadFailed(final int index, final Throwable cause)
    {
        // not the instance's monitor: close() holds it while it waits for this very thread
        if (!failure.compareAndSet(null, cause))
        {
            return;
        }
        LOG.error("I/O thread {} failed: the instance stops serving", index);
        accepting = false;
        closeServer();
        onFatal.accept(cause);
    }

    /**
     * @return why the instance stopped serving, or null while it serves.
     */
    public Throwable failure()
    {
        return failure.get();
    }

    /**
     * @return the address actually bound (the port is chosen by the system when configured as 0).
     */
    public InetSocketAddress start()
    {
        // every value checked before a segment is made or a worker started (CmMain has done so already; a test or
        // an embedding may not have)
        final io.switchboard.cm.config.ConfigProblems problems = config.validate();
        if (!problems.isEmpty())
        {
            final StringBuilder message = new StringBuilder();
            for (final io.switchboard.cm.config.ConfigProblems.Problem problem : problems.all())
            {
                message.append(message.isEmpty() ? "" : "; ").append(problem.message());
            }
            throw new CannotStartException(message.toString());
        }
        for (final String removed : StaleSegmentJanitor.removeStaleSegments())
        {
            LOG.warn("removed the stale segment {} of a CM that died", removed);
        }

        final ProcessIdentity self = ProcessIdentity.self();
        final SupervisorSettings supervision = config.supervisorSettings();
        shutdownReadyGraceMs = config.shutdownReadyGraceMs();
        // a bad entry is refused before a segment or a worker exists
        config.trustedProxies();
        final SegmentLayout layout = config.segmentLayout();
        try
        {
            return startWith(layout, self, supervision);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * The segment, every page of it reserved: a {@code /dev/shm} without room for it fails here, with the options
     * to lower, rather than with a SIGBUS in whichever process first touches a page tmpfs cannot supply.
     */
    private static SharedSegment createSegment(final SegmentLayout layout, final ProcessIdentity self)
    {
        try
        {
            return SharedSegment.create(SegmentNames.newName(self.pid()), layout, self);
        }
        catch (final NativeCallException ex)
        {
            if (ex.errorNumber() == Errno.ENOSPC)
            {
                throw new CannotStartException(new SegmentSize(layout).tooLargeFor(SegmentSize.devShmFreeBytes()));
            }
            throw ex;
        }
    }

    /**
     * An I/O thread found a worker writing garbage: no new requests go to it, every I/O thread stops
     * reading its channels and fails its requests, and the supervisor kills it (then reports it lost,
     * which frees its channels, and starts a replacement). In this order, so that the loss never
     * reaches an I/O thread before the cut-off.
     */
    private void onWorkerFault(final int slot, final int incarnation, final String cause)
    {
        if (incarnation != workers.incarnation(slot))
        {
            // found on a worker already replaced: nothing left to cut off
            return;
        }
        final long pid = supervisor.pid(slot);
        workers.setReady(slot, false);
        for (final IoThread io : ioThreads)
        {
            io.cutOff(slot, incarnation);
        }
        supervisor.condemn(slot, pid, cause);
    }

    private InetSocketAddress startWith(
        final SegmentLayout layout, final ProcessIdentity self, final SupervisorSettings supervision)
    {
        segment = createSegment(layout, self);
        workers = new WorkerPool(layout.workerSlotCount());

        final Router router = new Router(config.routes());
        final HttpLimits limits = config.httpLimits();
        connectionLimit = new ConnectionLimit(config.maxConnections());
        sessionLimit = config.sessionLimit();
        events = RequestEventPipeline.start(config.observabilitySettings(), new ScrapeSources(
            this::openConnections,
            () ->
            {
                final SharedSegment current = segment;
                return current == null ? 0 : new ChannelTable(current).inUseCount();
            },
            this::queuedRequests,
            this::openSessions,
            () -> supervisor == null ? List.of() : supervisor.status()));
        final IoThreadSettings ioSettings = new IoThreadSettings(config.ioThreads(), router, limits, config.timeouts(),
            new IoBuffers(16 * 1024, Math.max(64 * 1024, 2 * RingDescriptor.maxFrameLength(config.ringCapacity()))),
            config.maxQueued(), config.rpcSettings(), connectionLimit, sessionLimit, config.trustedProxies(),
            events.publisher());
        ioThreads = new IoThread[config.ioThreads()];
        for (int i = 0; i < ioThreads.length; i++)
        {
            ioThreads[i] = new IoThread(i, segment, workers, ioSettings, this::onWorkerFault, this::onIoThreadFailed);
            ioThreads[i].start();
        }

        supervisor = new WorkerSupervisor(segment, config.workerLaunch(config.applications()),
            new WorkerListener()
            {
                public void onWorkerReady(final int slot, final long pid)
                {
                    workers.setReady(slot, true);
                }

                public void onWorkerDraining(final int slot, final long pid)
                {
                    workers.setReady(slot, false);
                }

                public void onWorkerLost(final int slot, final long pid)
                {
                    workers.setReady(slot, false);
                    // the dead worker's incarnation: its replacement's begins only when it is READY, later
                    final int incarnation = workers.incarnation(slot);
                    for (final IoThread io : ioThreads)
                    {
                        io.workerLost(slot, incarnation);
                    }
                }
            }, workers, supervision);
        // before the workers start, which takes seconds: a prober (Kubernetes, a load balancer) then finds /health
        // answering and /ready saying "starting" instead of a refused connection it cannot tell from a dead instance
        startAdmin(self);
        supervisor.start();

        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(config.bind(), config.port()), config.backlog());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(
                "cannot listen on " + config.bind() + ":" + config.port() + ": " + ex.getMessage(), ex);
        }

        if (config.rpcPort() >= 0)
        {
            try
            {
                rpcServer = ServerSocketChannel.open();
                rpcServer.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                rpcServer.bind(new InetSocketAddress(config.bind(), config.rpcPort()), config.backlog());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(
                    "cannot listen for sessions on " + config.bind() + ":" + config.rpcPort() + ": " + ex.getMessage(), ex);
            }
        }

        accepting = true;
        acceptor = new Thread(() -> accept(server, ListenerProtocol.HTTP_OR_RPC), "switchboard-acceptor");
        acceptor.start();
        if (rpcServer != null)
        {
            rpcAcceptor = new Thread(() -> accept(rpcServer, ListenerProtocol.RPC), "switchboard-rpc-acceptor");
            rpcAcceptor.start();
        }
        try
        {
            return (InetSocketAddress)server.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void startAdmin(final ProcessIdentity self)
    {
        if (config.adminPort() < 0)
        {
            return;
        }
        final InstanceReadiness readiness = new InstanceReadiness(config.applications(), workers.slotCount(),
            workers::isReady, supervisor::status, () -> !accepting, () -> stopping || failure.get() != null);
        // a rolling restart is refused (409) until the instance serves: the supervisor is still starting the workers
        admin = new AdminServer(config.adminSettings(), () -> accepting && supervisor.restartAll(), () -> status(self),
            readiness::check, new ObservabilityEndpoints(events, config.adminSettings().requestTimeoutMs()), this::drain);
        adminAddress = admin.start();
        final String host = adminAddress.getAddress().getHostAddress();
        LOG.info("admin on http://{}:{}/ (the live status page; also /admin/status, /health, /ready)",
            host.indexOf(':') >= 0 ? "[" + host + "]" : host, adminAddress.getPort());
    }

    private void accept(final ServerSocketChannel listener, final ListenerProtocol protocol)
    {
        int next = 0;
        while (accepting)
        {
            try
            {
                final SocketChannel socket = listener.accept();
                if (!connectionLimit.tryAcquire())
                {
                    refuse(socket, protocol);
                    continue;
                }
                ioThreads[next].adopt(socket, protocol);
                next = (next + 1) % ioThreads.length;
            }
            catch (final ClosedChannelException ex)
            {
                return;
            }
            catch (final IOException ex)
            {
                LOG.warn("accept failed: {}", ex.getMessage());
                sleepMs(10);
            }
        }
    }

    /**
     * Over --max-connections: an HTTP client is told 503 before the close (one small write to a fresh socket,
     * which cannot block); a session client sees the close. Logged at most once a second, with the count.
     */
    private void refuse(final SocketChannel socket, final ListenerProtocol protocol)
    {
        try (socket)
        {
            if (protocol == ListenerProtocol.HTTP_OR_RPC)
            {
                final int sent = socket.write(java.nio.ByteBuffer.wrap(REFUSED_RESPONSE));
                publishRefusal(socket, sent);
            }
        }
        catch (final IOException ignored)
        {
            // the client is gone already: refused all the same
        }
        // both acceptors may refuse at once
        synchronized (connectionLimit)
        {
            refusedSinceLog++;
            final long nowNs = System.nanoTime();
            if (nowNs - lastRefusalLogNs > TimeUnit.SECONDS.toNanos(1))
            {
                LOG.warn("refused {} connection(s): {} open, --max-connections is {}", refusedSinceLog,
                    connectionLimit.open(), connectionLimit.max());
                refusedSinceLog = 0;
                lastRefusalLogNs = nowNs;
            }
        }
    }

    /**
     * A connection refused at accept is an exchange that ended with a 503, for the access log and the metrics.
     */
    private void publishRefusal(final SocketChannel socket, final int sentBytes)
    {
        final RequestEventPublisher publisher = events.publisher();
        final long sequence = publisher.claim(RequestEvent.HTTP_EXCHANGE);
        if (sequence < 0)
        {
            return;
        }
        final RequestEvent event = publisher.event(sequence);
        try
        {
            event.epochMs = System.currentTimeMillis();
            event.status = 503;
            event.sentBytes = sentBytes;
            ClientAddress.of(socket).copyInto(event);
        }
        finally
        {
            publisher.publish(sequence);
        }
    }

    /**
     * @return the distributed sessions open now (welcomed or being opened).
     */
    public int openSessions()
    {
        return sessionLimit == null ? 0 : sessionLimit.open();
    }

    /**
     * @return the client connections open now.
     */
    public int openConnections()
    {
        return connectionLimit == null ? 0 : connectionLimit.open();
    }

    private String status(final ProcessIdentity self)
    {
        final String segmentName;
        final int channelsInUse;
        // the admin listener outlives the segment at shutdown: never read a segment being unmapped
        synchronized (segmentLock)
        {
            segmentName = segment == null ? "" : segment.name();
            channelsInUse = segment == null ? 0 : new ChannelTable(segment).inUseCount();
        }
        return StatusDocument.render(
            self.pid(),
            segmentName,
            failure.get() != null ? "failed" : listenersClosed ? "stopping" : stopping ? "draining" : "running",
            config.workers(),
            supervisor.isRollingRestart(),
            channelsInUse,
            config.channels(),
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAtNs),
            openSessions(),
            supervisor.status(),
            events == null ? null : events.trafficJson(config.adminSettings().requestTimeoutMs()));
    }

    /**
     * @return requests and sessions waiting for a worker or channel, over the I/O threads.
     */
    private int queuedRequests()
    {
        final IoThread[] threads = ioThreads;
        int queued = 0;
        if (threads != null)
        {
            for (final IoThread io : threads)
            {
                queued += io == null ? 0 : io.queuedCount();
            }
        }
        return queued;
    }

    /**
     * @return the request-event pipeline (access log, metrics), or null before the start.
     */
    public RequestEventPipeline requestEvents()
    {
        return events;
    }

    /**
     * @return the admin listener's address, or null if it is off.
     */
    public InetSocketAddress adminAddress()
    {
        return adminAddress;
    }

    /**
     * @return where the dedicated port for distributed sessions listens, or null when there is none.
     */
    public InetSocketAddress rpcAddress()
    {
        try
        {
            return rpcServer == null ? null : (InetSocketAddress)rpcServer.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the segment (for tests and monitoring).
     */
    public SharedSegment segment()
    {
        return segment;
    }

    public WorkerSupervisor supervisor()
    {
        return supervisor;
    }

    public List<IoThread> ioThreads()
    {
        return List.of(ioThreads);
    }

    /**
     * Stops the instance in the order the class comment gives; returns once it has stopped. The readiness grace
     * is waited only by an instance that was serving (not after a failed start or an I/O thread's failure).
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        stopping = true;
        if (accepting && shutdownReadyGraceMs > 0 && failure.get() == null)
        {
            LOG.info("stopping: /ready answers 503 now; new requests are served for {} ms more " +
                "(--shutdown-ready-grace-ms), then the listeners close", shutdownReadyGraceMs);
            awaitReadyGrace();
        }
        else if (accepting)
        {
            LOG.info("stopping: /ready answers 503 now; the listeners close (--shutdown-ready-grace-ms is 0)");
        }
        accepting = false;
        closeServer();
        listenersClosed = true;
        if (ioThreads != null)
        {
            for (final IoThread io : ioThreads)
            {
                if (io != null)
                {
                    io.beginStop();
                }
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.drainMs());
            boolean busy = true;
            while (busy && System.nanoTime() - deadlineNs < 0)
            {
                busy = false;
                for (final IoThread io : ioThreads)
                {
                    busy |= io != null && io.isBusy();
                }
                if (busy)
                {
                    sleepMs(10);
                }
            }
            for (final IoThread io : ioThreads)
            {
                if (io != null)
                {
                    io.stop(2_000);
                }
            }
        }
        if (events != null)
        {
            // after the I/O threads: their last exchanges are logged and counted
            events.close();
        }
        if (supervisor != null)
        {
            supervisor.close();
        }
        synchronized (segmentLock)
        {
            if (segment != null)
            {
                segment.unlink();
                segment.close();
                segment = null;
            }
        }
        if (admin != null)
        {
            admin.close();
        }
    }

    /**
     * Serves on while load balancers notice the 503 of {@code /ready}; cut short if the instance fails meanwhile.
     */
    private void awaitReadyGrace()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownReadyGraceMs);
        while (failure.get() == null && System.nanoTime() - deadlineNs < 0 && !Thread.currentThread().isInterrupted())
        {
            sleepMs(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()))));
        }
    }

    private void closeServer()
    {
        for (final ServerSocketChannel listener : new ServerSocketChannel[] {server, rpcServer})
        {
            if (listener != null)
            {
                try
                {
                    listener.close();
                }
                catch (final IOException ignored)
                {
                    // shutting down
                }
            }
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
