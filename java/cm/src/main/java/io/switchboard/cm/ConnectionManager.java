package io.switchboard.cm;

import io.switchboard.cm.config.CmConfig;
import io.switchboard.cm.config.Router;
import io.switchboard.cm.dispatch.WorkerPool;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.net.IoThread;
import io.switchboard.cm.supervisor.WorkerListener;
import io.switchboard.cm.supervisor.WorkerSupervisor;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.ring.RingDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SegmentNames;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.StaleSegmentJanitor;

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
 * A running instance: the segment, the workers and their supervisor, the I/O
 * threads and the acceptor. {@link #start()} brings it up in that order;
 * {@link #close()} takes it down gracefully: stop accepting, let in-flight
 * requests finish within the drain deadline, stop the workers, remove the
 * segment.
 */
public final class ConnectionManager implements AutoCloseable
{
    private final CmConfig config;
    private SharedSegment segment;
    private WorkerPool workers;
    private WorkerSupervisor supervisor;
    private IoThread[] ioThreads;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean accepting;
    private boolean closed;

    public ConnectionManager(final CmConfig config)
    {
        this.config = config;
    }

    /**
     * @return the address actually bound (the port is chosen by the system when configured as 0).
     */
    public InetSocketAddress start()
    {
        for (final String removed : StaleSegmentJanitor.removeStaleSegments())
        {
            System.err.println("switchboard: removed the stale segment " + removed + " of a CM that died");
        }

        final ProcessIdentity self = ProcessIdentity.self();
        final SegmentLayout layout = new SegmentLayout(
            config.workers(), config.channels(), config.ringCapacity(), config.ioThreads());
        if (layout.segmentLength() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("channels=" + config.channels() + " x 2 rings of ringCapacity=" +
                config.ringCapacity() + " make a segment of " + layout.segmentLength() +
                " bytes; the CM maps at most 2 GiB: lower --channels or --ring-capacity");
        }
        try
        {
            return startWith(layout, self);
        }
        catch (final RuntimeException ex)
        {
            close();
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

    private InetSocketAddress startWith(final SegmentLayout layout, final ProcessIdentity self)
    {
        segment = SharedSegment.create(SegmentNames.newName(self.pid()), layout, self);
        workers = new WorkerPool(config.workers());

        final Router router = new Router(config.routes());
        final HttpLimits limits = config.httpLimits();
        ioThreads = new IoThread[config.ioThreads()];
        for (int i = 0; i < ioThreads.length; i++)
        {
            ioThreads[i] = new IoThread(i, segment, workers, router, limits, config.timeouts(),
                new IoThread.Buffers(16 * 1024, Math.max(64 * 1024, 2 * RingDescriptor.maxFrameLength(config.ringCapacity()))), config.maxQueued(),
                this::onWorkerFault);
            ioThreads[i].start();
        }

        supervisor = new WorkerSupervisor(segment, config.workerLaunch(router.applications()), config.workers(),
            new WorkerListener()
            {
                public void onWorkerReady(final int slot, final long pid)
                {
                    System.err.println("switchboard: worker " + slot + " (pid " + pid + ") is READY");
                    workers.setReady(slot, true);
                }

                public void onWorkerLost(final int slot, final long pid)
                {
                    workers.setReady(slot, false);
                    for (final IoThread io : ioThreads)
                    {
                        io.workerLost(slot);
                    }
                }
            }, config.heartbeatTimeoutNs());
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

        accepting = true;
        acceptor = new Thread(this::accept, "switchboard-acceptor");
        acceptor.start();
        try
        {
            return (InetSocketAddress)server.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void accept()
    {
        int next = 0;
        while (accepting)
        {
            try
            {
                final SocketChannel socket = server.accept();
                ioThreads[next].adopt(socket);
                next = (next + 1) % ioThreads.length;
            }
            catch (final ClosedChannelException ex)
            {
                return;
            }
            catch (final IOException ex)
            {
                System.err.println("switchboard: accept failed: " + ex.getMessage());
                sleepMs(10);
            }
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

    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        accepting = false;
        closeServer();
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
        if (supervisor != null)
        {
            supervisor.close();
        }
        if (segment != null)
        {
            segment.unlink();
            segment.close();
            segment = null;
        }
    }

    private void closeServer()
    {
        if (server != null)
        {
            try
            {
                server.close();
            }
            catch (final IOException ignored)
            {
                // shutting down
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
