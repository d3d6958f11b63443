package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.rpc.RpcHandshake;
import io.switchboard.rpc.SessionLostException;
import io.switchboard.rpc.thread.HandlerThreads;
import io.switchboard.testsupport.LogCapture;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SwitchboardClientTest
{
    private final TestServer server;

    SwitchboardClientTest() throws Exception
    {
        server = new TestServer(ClientApi.services());
    }

    @AfterEach
    void tearDown() throws Exception
    {
        server.close();
    }

    private Session connect()
    {
        return Switchboard.connect("127.0.0.1", server.port(), "test-app",
            ClientOptions.defaults().withClientName("client-test").withDefaultDeadline(Duration.ofSeconds(10)));
    }

    @Test
    void shouldCallAWorkerObjectOverTcp()
    {
        try (Session session = connect())
        {
            assertEquals("test-app", server.lastApplication);
            assertTrue(session.sessionId() > 100);
            final ClientApi.Echo echo = session.lookup("echo", ClientApi.Echo.class);
            assertEquals("hi", echo.text("hi"));
            final byte[] large = new byte[200_000];
            large[199_999] = 9;
            assertArrayEquals(large, echo.echo(large));
        }
    }

    @Test
    void shouldRunCallsFromManyThreadsOnOneSession() throws Exception
    {
        try (Session session = connect())
        {
            final ClientApi.Echo echo = session.lookup("echo", ClientApi.Echo.class);
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++)
            {
                final int id = t;
                threads.add(TestThreads.start(() ->
                {
                    try
                    {
                        for (int i = 0; i < 200; i++)
                        {
                            assertEquals(id + "/" + i, echo.text(id + "/" + i));
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex);
                    }
                }));
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertEquals(List.of(), failures);
            final ClientApi.EchoAsync async = session.lookup("echo", ClientApi.EchoAsync.class);
            final List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                answers.add(async.text("a" + i));
            }
            for (int i = 0; i < 100; i++)
            {
                assertEquals("a" + i, answers.get(i).get(10, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * Many short sync calls from platform threads churn the read token: a follower woken to lead whose
     * answer was already delivered must pass the turn on, or the others wait out their deadlines.
     */
    @Test
    void shouldNeverLeaveFollowersWithoutAReader() throws Exception
    {
        try (Session session = Switchboard.connect("127.0.0.1", server.port(), "test-app",
            ClientOptions.defaults().withDefaultDeadline(Duration.ofSeconds(5))))
        {
            final ClientApi.Echo echo = session.lookup("echo", ClientApi.Echo.class);
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++)
            {
                threads.add(TestThreads.start(() ->
                {
                    try
                    {
                        for (int i = 0; i < 3_000 && failures.isEmpty(); i++)
                        {
                            echo.text("x");
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex);
                    }
                }));
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertEquals(List.of(), failures);
        }
    }

    @Test
    void shouldLetVirtualThreadsCall() throws Exception
    {
        // a platform thread where the JVM has none (Java 17 to 20): the call must work there too
        try (Session session = connect())
        {
            final ClientApi.Echo echo = session.lookup("echo", ClientApi.Echo.class);
            final CompletableFuture<String> answer = new CompletableFuture<>();
            final CompletableFuture<Boolean> virtual = new CompletableFuture<>();
            HandlerThreads.start("caller", () ->
            {
                virtual.complete(HandlerThreads.isVirtual(Thread.currentThread()));
                answer.complete(echo.text("virtual"));
            });
            assertEquals("virtual", answer.get(10, TimeUnit.SECONDS));
            assertEquals(HandlerThreads.hasVirtualThreads(), virtual.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldDeliverCallbacksToAnExportedListener()
    {
        try (Session session = connect())
        {
            final List<String> events = new CopyOnWriteArrayList<>();
            final ClientApi.Listener listener = events::add;
            session.export(listener, ClientApi.Listener.class);
            final ClientApi.Publisher publisher = session.lookup("publisher", ClientApi.Publisher.class);
            assertEquals(3, publisher.publish(listener, 3));
            assertEquals(List.of("e0", "e1", "e2"), events);
        }
    }

    @Test
    void shouldRefuseAnUnknownApplicationNamingTheStatusAndMessage()
    {
        final SessionRefusedException thrown = assertThrows(SessionRefusedException.class,
            () -> Switchboard.connect("127.0.0.1", server.port(), "other-app"));
        assertEquals(RpcHandshake.STATUS_UNKNOWN_APPLICATION, thrown.status());
        assertTrue(thrown.getMessage().contains("UNKNOWN_APPLICATION"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("no application 'other-app' here"), thrown.getMessage());
    }

    @Test
    void shouldReportAConnectionFailureNamingTheEndpoint() throws Exception
    {
        final int port;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0))
        {
            port = unused.getLocalPort();
        }
        final UncheckedIOException thrown = assertThrows(UncheckedIOException.class,
            () -> Switchboard.connect("127.0.0.1", port, "test-app",
                ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(2))));
        assertTrue(thrown.getMessage().contains("127.0.0.1:" + port), thrown.getMessage());
    }

    @Test
    void shouldFailEveryCallInFlightAtOnceWhenTheConnectionDrops() throws Exception
    {
        final Session session = connect();
        final ClientApi.Echo echo = session.lookup("echo", ClientApi.Echo.class);
        final List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            TestThreads.start(() ->
            {
                try
                {
                    echo.hold();
                    outcome.complete(null);
                }
                catch (final Throwable ex)
                {
                    outcome.complete(ex);
                }
            });
        }
        assertTrue(ClientApi.HELD.await(10, TimeUnit.SECONDS));
        awaitTrue(() -> session.rpcSession().outgoingCallsInFlight() == 4);
        server.dropConnections();
        for (final CompletableFuture<Throwable> outcome : outcomes)
        {
            assertInstanceOf(SessionLostException.class, outcome.get(10, TimeUnit.SECONDS));
        }
        assertFalse(session.isOpen());
        assertThrows(SessionLostException.class, () -> echo.text("after"));
        session.close();
    }

    @Test
    void shouldSayGoodbyeOnClose() throws Exception
    {
        final Session session = connect();
        session.lookup("echo", ClientApi.Echo.class).text("x");
        session.close();
        awaitTrue(() -> !server.sessions.get(0).isOpen());
        assertTrue(server.sessions.get(0).closeReason().contains("NORMAL"), server.sessions.get(0).closeReason());
        final ExecutionException thrown = assertThrows(ExecutionException.class,
            () -> session.ping().get(5, TimeUnit.SECONDS));
        assertInstanceOf(SessionLostException.class, thrown.getCause());
    }

    @Test
    void shouldLogFailuresNoCallerCanBeToldOfThroughSlf4j() throws Exception
    {
        try (LogCapture log = LogCapture.of(Switchboard.class))
        {
            final Session session = connect();
            final class Closing implements ClientApi.Listener, AutoCloseable
            {
                @Override
                public void onEvent(final String event)
                {
                }

                @Override
                public void close()
                {
                    throw new IllegalStateException("listener close failed");
                }
            }
            session.export(new Closing(), ClientApi.Listener.class);
            session.close();

            awaitTrue(() -> log.contains("close hook of object"));
            assertTrue(log.contains("listener close failed"), log.messages().toString());
        }
    }

    static void awaitTrue(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(1);
        }
    }
}
