package io.switchboard.tests.rpc;

import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.examples.rpc.Counter;
import io.switchboard.rpc.DeadlineExceededException;
import io.switchboard.rpc.SessionLostException;
import io.switchboard.testsupport.JavaProcess;
import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Distributed sessions through a real CM and real worker JVMs, with the client
 * library: state per object and per session, calls in flight both ways,
 * deadlines, cancellation, and clients and workers that die.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcSessionTest
{
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance("--workers", "1");
    }

    @AfterAll
    static void stop()
    {
        instance.close();
    }

    private static Session connect() throws Exception
    {
        return Switchboard.connect("127.0.0.1", instance.rpcPort(), "test");
    }

    @Test
    void objectsKeepTheirOwnStateAndSessionsNeverShare() throws Exception
    {
        try (Session one = Switchboard.connect("127.0.0.1", instance.rpcPort(), "demo");
             Session two = Switchboard.connect("127.0.0.1", instance.rpcPort(), "demo"))
        {
            final Counter a = one.lookup("counter", Counter.class);
            final Counter b = one.lookup("counter", Counter.class);
            final Counter c = two.lookup("counter", Counter.class);
            assertEquals(1, a.increment());
            assertEquals(2, a.increment());
            assertEquals(1, b.increment());
            assertEquals(1, c.increment());
            assertEquals(2, a.get());
            assertEquals(1, b.get());
            assertEquals(1, c.get());
        }
    }

    @Test
    void valuesOfEveryKindRoundTrip() throws Exception
    {
        try (Session session = connect())
        {
            final TestServices.Values values = session.lookup("values", TestServices.Values.class);
            final TestServices.Everything sent = new TestServices.Everything(42, 1L << 40, 2.5, true, "héllo",
                new byte[] {1, 2, 3}, TestServices.Colour.GREEN, List.of("a", "b"), Map.of("x", 1), Optional.of("yes"));
            final TestServices.Everything back = values.roundTrip(sent);
            assertEquals(sent.number(), back.number());
            assertEquals(sent.big(), back.big());
            assertEquals(sent.text(), back.text());
            assertArrayEquals(sent.bytes(), back.bytes());
            assertEquals(sent.colour(), back.colour());
            assertEquals(sent.names(), back.names());
            assertEquals(sent.counts(), back.counts());
            assertEquals(sent.maybe(), back.maybe());
            final TestServices.Everything empty = values.roundTrip(new TestServices.Everything(0, 0, 0, false, "",
                new byte[0], TestServices.Colour.RED, List.of(), Map.of(), Optional.empty()));
            assertEquals(Optional.empty(), empty.maybe());
        }
    }

    @Test
    void sixtyFourCallsRunAtOnceInOneSession() throws Exception
    {
        try (Session session = connect())
        {
            final TestServices.SlowAsync slow = session.lookup("slow", TestServices.SlowAsync.class);
            final List<CompletableFuture<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++)
            {
                // each returns only when all 64 are inside the worker at the same time
                calls.add(slow.meet(64));
            }
            for (final CompletableFuture<Boolean> call : calls)
            {
                assertTrue(call.get(15, TimeUnit.SECONDS), "all 64 calls met on the worker");
            }
        }
    }

    @Test
    void callbacksRunWhileCallsAreInFlightBothWays() throws Exception
    {
        try (Session session = connect())
        {
            final TestServices.Relay relay = session.lookup("relay", TestServices.Relay.class);
            final TestServices.SlowAsync slow = session.lookup("slow", TestServices.SlowAsync.class);
            final AtomicInteger events = new AtomicInteger();
            final TestServices.Listener listener = sequence ->
            {
                events.incrementAndGet();
                return sequence * 2;
            };
            // a call to the worker in flight while the worker calls us back, from 4 relays at once
            final CompletableFuture<Boolean> pending = slow.sleep(300);
            final List<CompletableFuture<Long>> relays = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                relays.add(CompletableFuture.supplyAsync(() -> relay.relay(listener, 50)));
            }
            for (final CompletableFuture<Long> sum : relays)
            {
                assertEquals(2L * (50 * 51 / 2), sum.get(15, TimeUnit.SECONDS));
            }
            assertEquals(200, events.get());
            assertTrue(pending.get(15, TimeUnit.SECONDS));
        }
    }

    @Test
    void aDeadlineThatExpiresFailsTheCall() throws Exception
    {
        try (Session session = connect())
        {
            final TestServices.Slow slow = session.withDeadline(session.lookup("slow", TestServices.Slow.class),
                Duration.ofMillis(200));
            // the method would sleep 10 s and answer true: only the deadline fails it
            assertThrows(DeadlineExceededException.class, () -> slow.sleep(10_000));
            // the session goes on
            assertTrue(session.withDeadline(slow, CALL_DEADLINE).sleep(1));
        }
    }

    @Test
    void aCancelledCallStopsOnTheWorker() throws Exception
    {
        try (Session session = connect())
        {
            final TestServices.Probe probe = session.lookup("probe", TestServices.Probe.class);
            final int before = probe.sleepsInterrupted();
            final int startedBefore = probe.sleepsStarted();
            final TestServices.SlowAsync slow = session.lookup("slow", TestServices.SlowAsync.class);
            final CompletableFuture<Boolean> call = slow.sleep(30_000);
            // cancelled once it runs on the worker, every time
            Await.equals(startedBefore + 1, probe::sleepsStarted, "the call started on the worker");
            assertTrue(call.cancel(true));
            assertTrue(call.isCancelled());
            assertThrows(java.util.concurrent.CancellationException.class, () -> call.get(1, TimeUnit.SECONDS));
            // the CANCEL reached the worker, which interrupted the method
            Await.equals(before + 1, probe::sleepsInterrupted, "the worker's method was interrupted");
            assertTrue(session.withDeadline(session.lookup("slow", TestServices.Slow.class), CALL_DEADLINE).sleep(1));
        }
    }

    @Test
    void aClientKilledMidSessionHasItsObjectsClosedAndItsChannelFreed() throws Exception
    {
        try (Session observer = connect())
        {
            final TestServices.Probe probe = observer.lookup("probe", TestServices.Probe.class);
            final int openBefore = probe.trackedOpen();
            final int channelsBefore = instance.channelsInUse();
            final Path log = JavaProcess.newLog("rpc-client");
            final Process client = JavaProcess.start(TrackingClient.class, log, String.valueOf(instance.rpcPort()), "3");
            try
            {
                Await.line(client, log, "READY");
                assertEquals(openBefore + 3, probe.trackedOpen());
                assertEquals(channelsBefore + 1, instance.channelsInUse());
            }
            finally
            {
                JavaProcess.kill(client);
            }
            Await.equals(openBefore, probe::trackedOpen, "the killed client's objects are closed");
            Await.equals(channelsBefore, instance::channelsInUse, "the killed client's channel is freed");
            Files.deleteIfExists(log);
        }
    }

    @Test
    void aWorkerKilledFailsItsSessionsFastWithSessionLost() throws Exception
    {
        final Session session = connect();
        try
        {
            final TestServices.Probe probe = session.lookup("probe", TestServices.Probe.class);
            final TestServices.SlowAsync slow = session.lookup("slow", TestServices.SlowAsync.class);
            final CompletableFuture<Boolean> inFlight = slow.sleep(60_000);
            final long pid = probe.pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            // the call would run a minute: the loss ends it (a generous deadline, for the message)
            final ExecutionException failed = assertThrows(ExecutionException.class, () -> inFlight.get(30, TimeUnit.SECONDS));
            assertInstanceOf(SessionLostException.class, failed.getCause());
            assertThrows(SessionLostException.class, probe::pid, "a call after the loss fails at once");
            assertFalse(session.isOpen());
        }
        finally
        {
            session.close();
        }
        // a new session is served by the replacement
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true)
        {
            try (Session again = connect())
            {
                final long pid = again.lookup("probe", TestServices.Probe.class).pid();
                assertNotEquals(0, pid);
                break;
            }
            catch (final Exception ex)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw ex;
                }
                Thread.sleep(100);
            }
        }
        Await.equals(0, instance::channelsInUse, "no channel left in use");
    }

    /**
     * A client in a JVM of its own: looks up N tracked objects, says READY, and waits to be killed.
     */
    public static final class TrackingClient
    {
        public static void main(final String[] args) throws Exception
        {
            final Session session = Switchboard.connect("127.0.0.1", Integer.parseInt(args[0]), "test");
            for (int i = 0; i < Integer.parseInt(args[1]); i++)
            {
                session.lookup("tracked", TestServices.Tracked.class).touch();
            }
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
