package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.process.ParentDeathSignal;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;
import io.switchboard.ipc.signal.IdleStrategy;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;

import io.switchboard.rpc.DeployedServices;
import io.switchboard.worker.http.HostingOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker's life: load the applications and call their start hooks, attach to
 * the segment, wait until the CM has claimed the slot for this process, announce
 * READY, then poll the doorbell until told to stop or until the CM is gone; then
 * let the requests in flight end and call the applications' stop hooks.
 * <p>
 * The poller thread also beats the heartbeat (at most every 100 ms; when idle,
 * once per park timeout) and, whenever a park times out, checks that the CM
 * process (pid and start time from the header) still lives: a worker never
 * outlives its CM by more than a park timeout and a probe.
 */
public final class WorkerRuntime
{
    private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

    /** Exit status when the CM died: the supervisor of a new CM will start fresh workers. */
    public static final int EXIT_CM_GONE = 3;
    /** Exit status when the worker could not join. */
    public static final int EXIT_CANNOT_JOIN = 4;
    /** Exit status when an application's start hook threw. */
    public static final int EXIT_APPLICATION_FAILED = 5;
    /**
     * How long the shutdown hook (SIGTERM) waits for the poller to stop and the applications' stop hooks to
     * return: longer than any sensible {@code --worker-stop-grace-ms}, after which the CM kills the worker anyway.
     */
    private static final long STOP_WAIT_S = 120;

    private static final long JOIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Longest spin before parking; {@code -Dswitchboard.worker.maxSpinNs} overrides it (for measurements). */
    private static final long MAX_SPIN_NS = Long.getLong("switchboard.worker.maxSpinNs", 50_000);
    /**
     * While distributed sessions are open, the poller yields up to {@link #SESSION_YIELDS} times
     * after work before it parks: a session's next call comes one client round trip later (tens of
     * microseconds on loopback), and a park would put a futex wake-up on every call. Yields and no
     * spin, so that the client and the CM get the CPU whenever they need it on a machine with few
     * cores: a 10 µs spin after each batch, measured against none (echo, 8 client threads sharing a
     * session), gave 81-91k calls/s against 98k, and with 1 thread 31.5k against 38k.
     * {@code -Dswitchboard.worker.sessionSpinNs} and {@code -Dswitchboard.worker.sessionYields}
     * override them.
     */
    private static final long SESSION_SPIN_NS = Long.getLong("switchboard.worker.sessionSpinNs", 0);
    private static final int SESSION_YIELDS = Integer.getInteger("switchboard.worker.sessionYields", 400);
    /**
     * While handler threads serve exchanges, the poller spins this long (default none) before its yields and its
     * park: the handlers need the cores a spin would take, and on a machine with few cores (the CM, the workers and
     * the clients sharing 2) a poller spinning beside a servlet's thread cost the servlet cases 10-30% of their
     * requests/s (measured with {@code ./switchboard bench http}'s servlet cases). The doorbell still wakes it for
     * the next request. {@code -Dswitchboard.worker.handlerSpinNs} overrides it.
     */
    private static final long HANDLER_SPIN_NS = Long.getLong("switchboard.worker.handlerSpinNs", 0);
    private static final long CM_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final String segmentName;
    private int slot;
    private final Set<String> applicationNames;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /** The slot number comes on standard input, once the applications are loaded. */
    public static final int SLOT_FROM_STDIN = -2;

    private final HostingOptions hosting;

    public WorkerRuntime(final String segmentName, final int slot, final Set<String> applicationNames)
    {
        this(segmentName, slot, applicationNames, HostingOptions.NONE);
    }

    public WorkerRuntime(
        final String segmentName, final int slot, final Set<String> applicationNames, final HostingOptions hosting)
    {
        this.segmentName = segmentName;
        this.slot = slot;
        this.applicationNames = applicationNames;
        this.hosting = hosting;
    }

    /**
     * Runs on the calling thread until stopped.
     *
     * @return the process exit status.
     */
    public int run()
    {
        // applications first: their classes and deployment are most of a worker's start, and a spare
        // started ahead of need has done them by the time it is given a slot
        final Applications applications;
        final Map<String, DeployedServices> rpcApplications;
        try
        {
            final ClassLoader loader = Thread.currentThread().getContextClassLoader();
            rpcApplications = RpcApplications.load(applicationNames, loader);
            applications = Applications.load(applicationNames, rpcApplications.keySet(), loader, hosting);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("cannot load the applications {}: {}", applicationNames, ex.getMessage(), ex);
            return EXIT_CANNOT_JOIN;
        }
        try
        {
            applications.start();
        }
        catch (final ApplicationStartException ex)
        {
            LOG.error("{}; the worker exits", ex.getMessage(), ex.getCause());
            // the start hooks that ran are undone; what the factories made (web applications) closes too
            applications.close();
            return EXIT_APPLICATION_FAILED;
        }
        try
        {
            return join(applications, rpcApplications);
        }
        finally
        {
            // the requests in flight have ended (or been given up) by now: the dispatcher closed in join; the stop
            // hooks first, then what the factories made closes (web applications stop, their sessions are saved),
            // once, before the shutdown hook is let go
            applications.stop();
            applications.close();
            stopped.countDown();
        }
    }

    /**
     * With the applications started: take the slot, attach, announce READY and poll until told to stop.
     */
    private int join(final Applications applications, final Map<String, DeployedServices> rpcApplications)
    {
        if (slot == SLOT_FROM_STDIN && !readSlotFromStdin())
        {
            return EXIT_CANNOT_JOIN;
        }
        applications.onSlot(slot);

        final SharedSegment segment;
        try
        {
            segment = SharedSegment.attach(segmentName, JOIN_TIMEOUT_NS);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("cannot attach to {}: {}", segmentName, ex.getMessage());
            return EXIT_CANNOT_JOIN;
        }

        final WorkerSlots slots = new WorkerSlots(segment);
        final ProcessIdentity cm = segment.cmProcess();
        // the poll loop below notices a dead CM, but not while an application's code holds the thread
        if (ParentDeathSignal.armIfParentIs(cm) == ParentDeathSignal.Outcome.PARENT_GONE)
        {
            LOG.warn("CM {} is gone; exiting", cm);
            return EXIT_CM_GONE;
        }
        final ProcessIdentity self = ProcessIdentity.self();
        if (!awaitClaim(slots, self))
        {
            LOG.error("slot {} of {} was never claimed for {}", slot, segmentName, self);
            return EXIT_CANNOT_JOIN;
        }

        final ChannelTable channels = new ChannelTable(segment);
        final Doorbell doorbell = slots.doorbell(slot);
        try (HttpDispatcher dispatcher = new HttpDispatcher(applications, hosting.handlerThreads()))
        {
            final SessionResources sessionResources = SessionResources.fromSystemProperties(doorbell::requeue);
            final ChannelPoller poller = new ChannelPoller(segment, channels, doorbell, slot, dispatcher, rpcApplications,
                sessionResources);
            final Thread hook = new Thread(() -> stop(doorbell), "switchboard-worker-stop");
            Runtime.getRuntime().addShutdownHook(hook);

            if (!slots.markReady(slot))
            {
                LOG.error("slot {} was taken back before READY", slot);
                return EXIT_CANNOT_JOIN;
            }
            LOG.info("worker {}: READY in slot {} of {}, applications {}, for sessions {} (inbound budget {} bytes)",
                self.pid(), slot, segmentName, applications.names(), rpcApplications.keySet(),
                sessionResources.inbound().capacityBytes());

            return poll(poller, dispatcher, slots, cm, doorbell);
        }
    }

    /**
     * A spare waits here for the slot the CM gives it; an input that closes first means the CM no longer
     * needs it (or is gone).
     */
    private boolean readSlotFromStdin()
    {
        try
        {
            final String line = new java.io.BufferedReader(
                new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            if (line == null)
            {
                return false;
            }
            slot = Integer.parseInt(line.strip());
            return slot >= 0;
        }
        catch (final java.io.IOException | NumberFormatException ex)
        {
            LOG.error("no slot number on standard input: {}", ex.getMessage());
            return false;
        }
    }

    private int poll(
        final ChannelPoller poller, final HttpDispatcher dispatcher, final WorkerSlots slots, final ProcessIdentity cm,
        final Doorbell doorbell)
    {
        // parks of 250 ms growing to 1 s while idle: an idle worker wakes about once a second to
        // beat and to look at its CM, which keeps "workers die with the CM" well inside 2 s
        final IdleStrategy idle = new SpinParkIdleStrategy(
            doorbell.eventCount(), doorbell, Math.min(1_000, MAX_SPIN_NS), MAX_SPIN_NS, 4,
            TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.SECONDS.toNanos(1));
        final IdleStrategy sessionIdle = new SpinParkIdleStrategy(
            doorbell.eventCount(), doorbell, SESSION_SPIN_NS, SESSION_SPIN_NS, SESSION_YIELDS,
            TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.SECONDS.toNanos(1));
        final IdleStrategy handlersIdle = new SpinParkIdleStrategy(
            doorbell.eventCount(), doorbell, HANDLER_SPIN_NS, HANDLER_SPIN_NS, 4,
            TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.SECONDS.toNanos(1));
        long lastHeartbeatNs = System.nanoTime();
        long lastCmCheckNs = lastHeartbeatNs;
        while (running)
        {
            final int work = poller.poll();
            final IdleStrategy strategy =
                poller.openSessions() > 0 ? sessionIdle : dispatcher.handlersRunning() > 0 ? handlersIdle : idle;
            final int idleResult = strategy.idle(work);
            final long nowNs = System.nanoTime();
            if (nowNs - lastHeartbeatNs >= HEARTBEAT_INTERVAL_NS)
            {
                slots.heartbeat(slot, nowNs);
                lastHeartbeatNs = nowNs;
            }

            if (idleResult == IdleStrategy.TIMED_OUT || nowNs - lastCmCheckNs >= CM_CHECK_INTERVAL_NS)
            {
                lastCmCheckNs = nowNs;
                if (!cm.isAlive())
                {
                    LOG.warn("CM {} is gone; exiting", cm);
                    return EXIT_CM_GONE;
                }
                final WorkerState state = slots.state(slot);
                if (state == WorkerState.DRAINING)
                {
                    // being replaced: the CM gives us nothing new and stops us once our channels are done
                    poller.drain();
                }
                else if (state != WorkerState.READY)
                {
                    LOG.warn("the CM moved slot {} to {}; exiting", slot, state);
                    return 0;
                }
            }
        }
        return 0;
    }

    private void stop(final Doorbell doorbell)
    {
        running = false;
        doorbell.eventCount().signal();
        try
        {
            stopped.await(STOP_WAIT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitClaim(final WorkerSlots slots, final ProcessIdentity self)
    {
        final long deadlineNs = System.nanoTime() + JOIN_TIMEOUT_NS;
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (slots.state(slot) == WorkerState.STARTING && slots.process(slot).equals(self))
            {
                return true;
            }
            sleepMs(1);
        }
        return false;
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
