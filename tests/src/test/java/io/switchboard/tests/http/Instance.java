package io.switchboard.tests.http;

import io.switchboard.cm.ConnectionManager;
import io.switchboard.cm.config.CmConfig;
import io.switchboard.ipc.channel.ChannelState;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.ring.RingDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.tests.TestJdks;
import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A whole instance for a test: the CM in this JVM, real worker JVMs running the
 * demo application (and the tests' own), listening on a free loopback port.
 */
public final class Instance implements AutoCloseable
{
    private final ConnectionManager cm;
    private final InetSocketAddress address;

    public Instance(final String... extraArgs)
    {
        final List<String> args = new ArrayList<>(List.of(
            "--port", "0",
            "--rpc-port", "0",
            "--rpc-app", "demo,test",
            "--worker-classpath", System.getProperty("java.class.path"),
            "--route", "/=demo,/failing=failing",
            // a fixed admin port would collide between instances (and other engineers' runs): any free one
            "--admin-port", "0"));
        if (!List.of(extraArgs).contains("--worker-java"))
        {
            // the Java 17 run of the multi-process suites
            args.addAll(TestJdks.workerJavaArguments());
        }
        if (!List.of(extraArgs).contains("--drain-ms"))
        {
            // a connection a CM bug left stuck must not hold every test's shutdown for the default 10 s
            args.addAll(List.of("--drain-ms", "2000"));
        }
        args.addAll(List.of(extraArgs));
        final CmConfig config = new CmConfig();
        new CommandLine(config).parseArgs(args.toArray(new String[0]));
        cm = new ConnectionManager(config);
        try
        {
            address = cm.start();
        }
        catch (final RuntimeException ex)
        {
            // start() does not clean up after every failure: leave no segment (or worker) behind
            try
            {
                cm.close();
            }
            catch (final RuntimeException closeFailure)
            {
                ex.addSuppressed(closeFailure);
                if (cm.segment() != null)
                {
                    cm.segment().unlink();
                    cm.segment().close();
                }
            }
            throw ex;
        }
    }

    String url(final String path)
    {
        return "http://127.0.0.1:" + address.getPort() + path;
    }

    public int port()
    {
        return address.getPort();
    }

    /**
     * @return the dedicated port for distributed sessions.
     */
    public int rpcPort()
    {
        return cm.rpcAddress().getPort();
    }

    public ConnectionManager cm()
    {
        return cm;
    }

    /**
     * @return the admin listener's answer to {@code method path}: status and body.
     */
    Admin.Reply admin(final String method, final String path) throws java.io.IOException
    {
        return Admin.call(cm.adminAddress().getPort(), method, path);
    }

    /**
     * @return the pids of the workers READY now.
     */
    public java.util.Set<Long> readyWorkerPids()
    {
        final java.util.Set<Long> pids = new java.util.TreeSet<>();
        for (final io.switchboard.cm.supervisor.WorkerStatus slot : cm.supervisor().status())
        {
            if ("READY".equals(slot.state()))
            {
                pids.add(slot.pid());
            }
        }
        return pids;
    }

    /**
     * @return channel slots not FREE right now.
     */
    public int channelsInUse()
    {
        return new ChannelTable(cm.segment()).inUseCount();
    }

    /**
     * @return whether a channel in use has its outbound ring (worker to CM) backed up: less room left than one
     * frame of the largest size, so the worker's next write waits for the CM to drain it. For tests that need
     * backpressure engaged before they go on.
     */
    public boolean outboundRingBackedUp()
    {
        return anyRingBackedUp(true);
    }

    /**
     * @return whether a channel in use has its inbound ring (CM to worker) backed up: the CM's next write of a
     * request body waits for the worker to take it, and meanwhile it stops reading the client's socket.
     */
    public boolean inboundRingBackedUp()
    {
        return anyRingBackedUp(false);
    }

    /**
     * Reads the rings' positions (layout in {@link RingDescriptor}) of every channel in use.
     */
    private boolean anyRingBackedUp(final boolean outbound)
    {
        final SharedSegment segment = cm.segment();
        final SegmentLayout layout = segment.layout();
        final ChannelTable table = new ChannelTable(segment);
        final int capacity = layout.ringCapacity();
        for (int slot = 0; slot < table.slotCount(); slot++)
        {
            if (table.state(slot) == ChannelState.FREE)
            {
                continue;
            }
            final long ring = outbound ? layout.outboundRingOffset(slot) : layout.inboundRingOffset(slot);
            final long tail = segment.memory().getLongAcquire(ring + RingDescriptor.TAIL_POSITION_OFFSET);
            final long head = segment.memory().getLongAcquire(ring + RingDescriptor.HEAD_POSITION_OFFSET);
            if (capacity - (tail - head) < RingDescriptor.maxFrameLength(capacity))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Polls until at most {@code expected} channels are in use.
     *
     * @return the count last seen: at most {@code expected} unless the time ran out.
     */
    int awaitChannelsInUse(final int expected, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        int inUse;
        while ((inUse = channelsInUse()) > expected && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(5);
        }
        return inUse;
    }

    public void close()
    {
        cm.close();
    }
}
