package io.switchboard.cm.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin plane: a small HTTP/1.1 listener apart from the client listener, so
 * that no client request can reach it, on 127.0.0.1 unless configured
 * otherwise. It has no authentication (whoever may connect to it may restart
 * workers), so it answers only requests naming a loopback host, and refuses
 * those a web page of another origin sends ({@link AdminRequestGuard}). The
 * endpoints are those of {@link AdminEndpoints}.
 * <p>
 * Each connection is served on a virtual thread of its own, one request per
 * connection, at most {@link AdminSettings#maxConnections()} at once (one more
 * is answered 503 and closed at once): a client that connects and stalls holds
 * its own thread and nobody else's. Its whole request must arrive within
 * {@link AdminSettings#requestTimeoutMs()} (else 408), and the whole exchange,
 * answer included, ends within twice that: past it the socket is closed under
 * the exchange, so even a client that never reads its answer lets go.
 * <p>
 * Hand-written on blocking sockets rather than the JDK's
 * {@code com.sun.net.httpserver}: that server's request and response time limits
 * and connection cap are JVM-wide system properties read once
 * ({@code sun.net.httpserver.maxReqTime}, {@code jdk.httpserver.maxConnections}),
 * it closes a late request without a 408, and it reads request heads on its
 * executor's threads without a limit unless those properties are set.
 * <p>
 * Thread-safe: started once, closed from any thread.
 */
public final class AdminServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final int BACKLOG = 16;
    private static final long ACCEPT_FAILURE_PAUSE_MS = 10;
    private static final AdminResponse BUSY = AdminResponse.text(503,
        "the admin listener serves as many connections as it may at once; try again shortly\n");

    private final AdminSettings settings;
    private final ServerSocket listener;
    private final InetSocketAddress address;
    private final AdminRequestGuard guard;
    private final AdminEndpoints endpoints;
    private final Semaphore permits;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ThreadFactory exchangeThreads = Thread.ofVirtual().name("switchboard-admin-", 0).factory();
    private final ScheduledThreadPoolExecutor deadlines;
    private volatile boolean closed;
    private Thread acceptor;

    /**
     * Binds the listener, so that a taken port fails here, before anything else starts.
     *
     * @param settings       where to listen and whom to answer.
     * @param restartWorkers starts a rolling restart; false if one runs already.
     * @param statusJson     the status document.
     * @param readiness      whether the instance should get traffic now ({@code /ready}).
     * @param observe        {@code /metrics} and the access log's reopening.
     * @param drain          takes the instance out of service and stops it ({@code POST /admin/drain}); false if
     *                       it was stopping already.
     * @throws UncheckedIOException     naming the address when it cannot bind.
     * @throws IllegalArgumentException naming a bad bind address or allowed host.
     */
    public AdminServer(
        final AdminSettings settings,
        final BooleanSupplier restartWorkers,
        final Supplier<String> statusJson,
        final Supplier<InstanceReadiness.Answer> readiness,
        final ObservabilityEndpoints observe,
        final BooleanSupplier drain)
    {
        this.settings = settings;
        final InetAddress bindAddress;
        try
        {
            bindAddress = InetAddress.getByName(settings.bindAddress());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("--admin-bind names no address: " + settings.bindAddress(), ex);
        }
        this.guard = new AdminRequestGuard(settings.allowedHosts(), bindAddress);
        this.endpoints = new AdminEndpoints(restartWorkers, statusJson, readiness, observe, drain);
        this.permits = new Semaphore(settings.maxConnections());
        try
        {
            listener = new ServerSocket();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open a socket for admin requests: " + ex.getMessage(), ex);
        }
        try
        {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(bindAddress, settings.port()), BACKLOG);
        }
        catch (final IOException ex)
        {
            closeQuietly(listener);
            throw new UncheckedIOException("cannot listen for admin requests on " + bindAddress.getHostAddress() + ":" +
                settings.port() + ": " + ex.getMessage() +
                " (--admin-port chooses another, -1 turns the admin listener off)", ex);
        }
        address = (InetSocketAddress)listener.getLocalSocketAddress();
        deadlines = new ScheduledThreadPoolExecutor(1, runnable ->
        {
            final Thread thread = new Thread(runnable, "switchboard-admin-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * @return the address bound.
     */
    public InetSocketAddress start()
    {
        if (!address.getAddress().isLoopbackAddress())
        {
            LOG.warn("the admin listener on {} may be reached from other hosts, and it has no authentication: " +
                "whoever reaches it may restart the workers", address);
        }
        acceptor = new Thread(this::accept, "switchboard-admin");
        acceptor.setDaemon(true);
        acceptor.start();

        return address;
    }

    /**
     * Stops listening and cuts every exchange still running; returns once the listener's thread has ended.
     */
    @Override
    public void close()
    {
        closed = true;
        closeQuietly(listener);
        for (final Socket socket : open)
        {
            closeQuietly(socket);
        }
        deadlines.shutdownNow();
        if (acceptor != null && acceptor != Thread.currentThread())
        {
            try
            {
                acceptor.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void accept()
    {
        while (!closed)
        {
            final Socket socket;
            try
            {
                socket = listener.accept();
            }
            catch (final IOException ex)
            {
                if (!closed)
                {
                    LOG.warn("accepting an admin connection on {} failed: {}", address, ex.toString());
                    pause();
                }
                continue;
            }

            if (!permits.tryAcquire())
            {
                refuseBusy(socket);
                continue;
            }
            open.add(socket);
            if (closed)
            {
                closeQuietly(socket);
            }
            exchangeThreads.newThread(() -> serve(socket)).start();
        }
    }

    private void serve(final Socket socket)
    {
        final long timeoutMs = settings.requestTimeoutMs();
        final long startNs = System.nanoTime();
        ScheduledFuture<?> cut = null;
        try
        {
            cut = deadlines.schedule(() -> closeQuietly(socket), 2 * timeoutMs, TimeUnit.MILLISECONDS);
            socket.setTcpNoDelay(true);
            new AdminExchange(socket, startNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs), timeoutMs, guard, endpoints)
                .run();
        }
        catch (final IOException | RejectedExecutionException ex)
        {
            LOG.debug("admin connection from {} ended early: {}", socket.getRemoteSocketAddress(), ex.toString());
        }
        finally
        {
            if (cut != null)
            {
                cut.cancel(false);
            }
            closeQuietly(socket);
            // the permit before the count: whoever sees the count drop may connect and be served
            permits.release();
            open.remove(socket);
        }
    }

    /**
     * Answers 503 on the listener's own thread: a few bytes into a fresh connection's empty send buffer, which
     * cannot block.
     */
    private void refuseBusy(final Socket socket)
    {
        LOG.warn("admin connection from {} refused with 503: {} are being served already",
            socket.getRemoteSocketAddress(), settings.maxConnections());
        try
        {
            AdminExchange.write(socket.getOutputStream(), BUSY, false);
            socket.shutdownOutput();
        }
        catch (final IOException ex)
        {
            LOG.debug("admin connection from {} left before its 503: {}", socket.getRemoteSocketAddress(), ex.toString());
        }
        finally
        {
            closeQuietly(socket);
        }
    }

    /**
     * @return admin connections being served now (for tests and monitoring).
     */
    public int openConnections()
    {
        return open.size();
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(ACCEPT_FAILURE_PAUSE_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ignored)
        {
            // closing: nothing left to do with it
        }
    }
}
