package io.switchboard.tests.rpc;

import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.examples.rpc.Echo;
import io.switchboard.rpc.SessionLostException;
import io.switchboard.testsupport.JavaProcess;
import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Distributed sessions under faults, with real processes, two workers: a worker killed under the load of 50
 * sessions, a client JVM killed while its call runs on the worker, and a client that sends and does not read.
 * (The single-session cases, a worker killed under one call and a client killed while idle, are in
 * {@link RpcSessionTest}.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcFaultTest
{
    private static final int SESSIONS = 50;
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
    /** Bystander calls that must succeed after a fault, each within its deadline. */
    private static final int BYSTANDER_CALLS = 50;

    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance("--workers", "2");
    }

    @AfterAll
    static void stop()
    {
        instance.close();
    }

    private static Session connect(final String affinity) throws Exception
    {
        final ClientOptions options = ClientOptions.defaults().withDefaultDeadline(CALL_DEADLINE);
        return Switchboard.connect("127.0.0.1", instance.rpcPort(), "test",
            affinity == null ? options : options.withAffinity(affinity));
    }

    /**
     * One session calling {@code probe.pid()} in a loop, each call with a deadline, until told to stop or its
     * session is lost.
     */
    private static final class Caller
    {
        final Session session;
        final TestServices.Probe probe;
        final long workerPid;
        final AtomicLong calls = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        volatile long lostAtNs;
        Thread thread;

        Caller(final Session session) throws Exception
        {
            this.session = session;
            this.probe = session.withDeadline(session.lookup("probe", TestServices.Probe.class), CALL_DEADLINE);
            this.workerPid = probe.pid();
        }

        void start(final AtomicBoolean running)
        {
            thread = Thread.ofPlatform().name("caller-" + session.sessionId()).daemon().start(() ->
            {
                // bounded: 60 s at most of calls, a few ms apart
                final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (running.get() && System.nanoTime() - endNs < 0)
                {
                    try
                    {
                        if (probe.pid() != workerPid)
                        {
                            failures.add(new AssertionError("the session moved to another worker"));
                        }
                        calls.incrementAndGet();
                        Thread.sleep(5);
                    }
                    catch (final SessionLostException ex)
                    {
                        lostAtNs = System.nanoTime();
                        failures.add(ex);
                        return;
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                    catch (final RuntimeException ex)
                    {
                        failures.add(ex);
                    }
                }
            });
        }
    }

    @Test
    void aWorkerKilledUnderLoadFailsOnlyItsOwnSessionsAndFast() throws Exception
    {
        Await.equals(2, () -> instance.readyWorkerPids().size(), "two workers READY");
        // channels of sessions other tests closed are freed a moment after the close
        Await.equals(0, instance::channelsInUse, "no channel in use before");
        final int channelsBefore = 0;
        final List<Caller> callers = new ArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        try
        {
            for (int i = 0; i < SESSIONS; i++)
            {
                callers.add(new Caller(connect(null)));
            }
            final Map<Long, List<Caller>> byWorker = new HashMap<>();
            for (final Caller caller : callers)
            {
                byWorker.computeIfAbsent(caller.workerPid, pid -> new ArrayList<>()).add(caller);
            }
            assertEquals(2, byWorker.size(), "sessions spread over both workers: " + byWorker.keySet());
            assertEquals(channelsBefore + SESSIONS, instance.channelsInUse());

            callers.forEach(caller -> caller.start(running));
            for (final Caller caller : callers)
            {
                Await.atLeast(1, () -> (int)caller.calls.get(), "calls of every session before the kill");
            }
            final long victim = byWorker.keySet().iterator().next();
            final List<Caller> doomed = byWorker.get(victim);
            final List<Caller> bystanders = new ArrayList<>(callers);
            bystanders.removeAll(doomed);
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();

            // every session of the dead worker ends, with SessionLostException and nothing else (how soon is a
            // figure of ./switchboard bench faults; the join's deadline is generous, for the message)
            for (final Caller caller : doomed)
            {
                caller.thread.join(30_000);
                assertTrue(caller.lostAtNs != 0, "a session of the killed worker hangs or goes on: " +
                    caller.failures);
                assertEquals(1, caller.failures.size(), "one failure, the loss: " + caller.failures);
                assertTrue(caller.failures.peek() instanceof SessionLostException, String.valueOf(caller.failures));
            }

            // a new session is served meanwhile, by the other worker or the replacement
            try (Session fresh = connect(null))
            {
                final long pid = fresh.withDeadline(fresh.lookup("probe", TestServices.Probe.class), CALL_DEADLINE).pid();
                assertNotEquals(victim, pid);
                assertEquals(channelsBefore + bystanders.size() + 1, instance.channelsInUse(),
                    "channels: the live sessions'");
            }
            // the sessions of the other worker go on being served after the loss
            for (final Caller caller : bystanders)
            {
                final int before = (int)caller.calls.get();
                Await.atLeast(before + 10, () -> (int)caller.calls.get(), "calls of a bystander after the kill");
            }
            running.set(false);
            for (final Caller caller : bystanders)
            {
                caller.thread.join(CALL_DEADLINE.toMillis() + 30_000);
                assertEquals(List.of(), List.copyOf(caller.failures), "a session of the other worker noticed");
            }
            Await.equals(channelsBefore + bystanders.size(), instance::channelsInUse, "channels of the live sessions");
        }
        finally
        {
            running.set(false);
            callers.forEach(caller -> caller.session.close());
        }
        Await.equals(channelsBefore, instance::channelsInUse, "no channel left once the sessions closed");
    }

    @Test
    void aClientKilledMidCallHasItsCallStoppedAndItsChannelFreed() throws Exception
    {
        final String affinity = "client-killed-mid-call";
        try (Session observer = connect(affinity))
        {
            final TestServices.Probe probe = observer.withDeadline(observer.lookup("probe", TestServices.Probe.class),
                CALL_DEADLINE);
            final int interruptedBefore = probe.sleepsInterrupted();
            final int startedBefore = probe.sleepsStarted();
            Await.equals(1, instance::channelsInUse, "the observer's channel alone in use");
            final int channelsBefore = 1;
            final Path log = JavaProcess.newLog("rpc-mid-call-client");
            final Process client = JavaProcess.start(MidCallClient.class, log, String.valueOf(instance.rpcPort()),
                affinity);
            try
            {
                final String ready = Await.line(client, log, "READY ");
                assertEquals(probe.pid(), Long.parseLong(ready.substring("READY ".length())), "same worker");
                // killed once its call runs on the worker, every time
                Await.equals(startedBefore + 1, probe::sleepsStarted, "the client's call started on the worker");
                assertEquals(channelsBefore + 1, instance.channelsInUse());
            }
            finally
            {
                JavaProcess.kill(client);
            }
            // the CM ends the session on the worker, which stops the call that was running for the dead client
            Await.equals(interruptedBefore + 1, probe::sleepsInterrupted, "the dead client's call was interrupted");
            Await.equals(channelsBefore, instance::channelsInUse, "the dead client's channel is freed");
            // the worker answers the others (within the call's deadline)
            assertTrue(probe.pid() > 0, "the worker answers the others");
            Files.deleteIfExists(log);
        }
    }

    @Test
    void aClientThatDoesNotReadBlocksNeitherTheWorkerNorItsChannel() throws Exception
    {
        final String affinity = "slow-reader";
        try (Session observer = Switchboard.connect("127.0.0.1", instance.rpcPort(), "demo",
            ClientOptions.defaults().withDefaultDeadline(CALL_DEADLINE).withAffinity(affinity)))
        {
            final Echo echo = observer.lookup("echo", Echo.class);
            final long observerWorker = connectedProbePid(affinity);
            Await.equals(1, instance::channelsInUse, "the observer's channel alone in use");
            final int channelsBefore = 1;
            final AtomicBoolean writing = new AtomicBoolean(true);
            final AtomicLong callsWritten = new AtomicLong();
            final Socket socket = new Socket();
            // a small window: the client's kernel buffers fill at once, and what backs up is the CM's and worker's
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", instance.rpcPort()), 10_000);
            socket.setSoTimeout(10_000);
            final CompletableFuture<Void> writer;
            try
            {
                final OutputStream out = socket.getOutputStream();
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                out.write(RawFrames.hello("demo", affinity));
                final RawFrames.Welcome welcome = RawFrames.readWelcome(in);
                assertEquals(0, welcome.status(), welcome.message());
                final long echoId = RawFrames.lookup(out, in, 1, "echo");
                assertEquals(channelsBefore + 1, instance.channelsInUse());

                final int size = Math.min(512 * 1024, welcome.maxFrameLength() / 2);
                final int calls = Math.min(64, welcome.maxCalls() - 1);
                writer = CompletableFuture.runAsync(() ->
                {
                    final byte[] payload = new byte[size];
                    try
                    {
                        for (int i = 0; i < calls && writing.get(); i++)
                        {
                            out.write(RawFrames.echoCall(10 + i, echoId, payload));
                            callsWritten.incrementAndGet();
                        }
                    }
                    catch (final IOException ex)
                    {
                        // the socket closed under a blocked write: the test is done with it
                    }
                }, runnable -> Thread.ofPlatform().daemon().start(runnable));

                // meanwhile the observer, on the same worker, is answered, call after call, each within its deadline
                Await.atLeast(1, () -> (int)callsWritten.get(), "calls written by the silent client");
                final byte[] small = {1, 2, 3};
                for (int i = 0; i < BYSTANDER_CALLS; i++)
                {
                    assertEquals(3, echo.echo(small).length);
                    Thread.sleep(20);
                }
                assertEquals(observerWorker, connectedProbePid(affinity), "all on one worker");
            }
            finally
            {
                writing.set(false);
                socket.close();
            }
            writer.get(10, TimeUnit.SECONDS);
            Await.equals(channelsBefore, instance::channelsInUse, "the silent client's channel is freed");
            assertEquals(3, echo.echo(new byte[3]).length, "the worker still answers");
        }
    }

    @Test
    void sessionsOpenAfterHttpRequestsWentThroughTheSameCm() throws Exception
    {
        // an HTTP response head once left the I/O thread's shared segment buffer little-endian, and every
        // SESSION_OPEN after it was garbled: the worker refused the session (found by bench soak)
        final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 4; i++)
        {
            final var response = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + instance.port() + "/echo"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x".repeat(100))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            try (Session session = connect(null))
            {
                assertTrue(session.withDeadline(session.lookup("probe", TestServices.Probe.class), CALL_DEADLINE).pid() > 0);
            }
        }
    }

    private static long connectedProbePid(final String affinity) throws Exception
    {
        try (Session session = connect(affinity))
        {
            return session.withDeadline(session.lookup("probe", TestServices.Probe.class), CALL_DEADLINE).pid();
        }
    }

    /**
     * A client in a JVM of its own: starts a 60 s call on the worker, says {@code READY <worker pid>} once the call
     * has been sent, and waits to be killed.
     */
    public static final class MidCallClient
    {
        public static void main(final String[] args) throws Exception
        {
            final Session session = Switchboard.connect("127.0.0.1", Integer.parseInt(args[0]), "test",
                ClientOptions.defaults().withAffinity(args[1]));
            final long pid = session.lookup("probe", TestServices.Probe.class).pid();
            final CompletableFuture<Boolean> call = session.lookup("slow", TestServices.SlowAsync.class).sleep(60_000);
            // the test waits for the call to start on the worker before it kills this JVM
            System.out.println("READY " + pid + (call.isDone() ? " (the call ended early)" : ""));
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
