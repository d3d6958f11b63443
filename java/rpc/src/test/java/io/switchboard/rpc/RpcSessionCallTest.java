package io.switchboard.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.TestApi.Counter;
import io.switchboard.rpc.TestApi.CountingListener;
import io.switchboard.rpc.TestApi.Echo;
import io.switchboard.rpc.TestApi.EchoAsync;
import io.switchboard.rpc.TestApi.Listener;
import io.switchboard.rpc.TestApi.Notifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RpcSessionCallTest
{
    private final SessionPair pair = new SessionPair(TestApi.standardServices());

    @AfterEach
    void tearDown()
    {
        pair.close();
    }

    @Test
    void shouldCallAWorkerObject()
    {
        final Echo echo = pair.client.lookup("echo", Echo.class);
        assertArrayEquals(new byte[] {1, 2, 3}, echo.echo(new byte[] {1, 2, 3}));
        assertEquals("héllo", echo.text("héllo"));
        assertEquals(null, echo.text(null));
    }

    @Test
    void shouldKeepSeparateStateInTwoObjects()
    {
        final Counter a = pair.client.lookup("counter", Counter.class);
        final Counter b = pair.client.lookup("counter", Counter.class);
        a.increment();
        a.increment();
        b.increment();
        assertEquals(2, a.value());
        assertEquals(1, b.value());
    }

    @Test
    void shouldShareOneObjectForASharedService()
    {
        final Counter a = pair.client.lookup("shared-counter", Counter.class);
        final Counter b = pair.client.lookup("shared-counter", Counter.class);
        a.increment();
        b.increment();
        assertEquals(2, a.value());
        assertEquals(2, b.value());
    }

    @Test
    void shouldCallThroughAnAsyncTwinOfASyncInterface() throws Exception
    {
        final EchoAsync echo = pair.client.lookup("echo", EchoAsync.class);
        final CompletableFuture<String> answer = echo.text("async");
        assertEquals("async", answer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldRunManyConcurrentCalls() throws Exception
    {
        final EchoAsync echo = pair.client.lookup("echo", EchoAsync.class);
        final List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 64; i++)
        {
            answers.add(echo.echo(new byte[] {(byte)i, (byte)(i * 3)}));
        }
        for (int i = 0; i < 64; i++)
        {
            assertArrayEquals(new byte[] {(byte)i, (byte)(i * 3)}, answers.get(i).get(5, TimeUnit.SECONDS));
        }
        final Echo sync = pair.client.lookup("echo", Echo.class);
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 8; t++)
        {
            final int id = t;
            threads.add(Thread.ofPlatform().start(() ->
            {
                try
                {
                    for (int i = 0; i < 50; i++)
                    {
                        assertEquals(id + ":" + i, sync.text(id + ":" + i));
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
        assertEquals(0, pair.client.outgoingCallsInFlight());
    }

    @Test
    void shouldLetAWorkerObjectCallAClientListenerWhileTheCallIsInFlight()
    {
        final Notifier notifier = pair.client.lookup("notifier", Notifier.class);
        final CountingListener listener = new CountingListener();
        assertEquals(5, notifier.notify(listener, 5));
        assertEquals(List.of("event 0", "event 1", "event 2", "event 3", "event 4"), listener.events);
        assertEquals(1, pair.client.exportedObjectCount());
    }

    @Test
    void shouldGiveBackTheLocalObjectWhenTheWorkerPassesItBack()
    {
        final Notifier notifier = pair.client.lookup("notifier", Notifier.class);
        final CountingListener listener = new CountingListener();
        assertTrue(listener == notifier.echoListener(listener));
        assertTrue(notifier.same(listener, listener));
    }

    @Test
    void shouldRaiseNoSuchObjectForAnUnknownService()
    {
        final NoSuchRemoteObjectException thrown =
            assertThrows(NoSuchRemoteObjectException.class, () -> pair.client.lookup("nope", Echo.class));
        assertTrue(thrown.getMessage().contains("no service 'nope'"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("echo"), thrown.getMessage());
    }

    @Test
    void shouldRunTheCloseHookOnRelease() throws Exception
    {
        final Counter counter = pair.client.lookup("counter", Counter.class);
        counter.increment();
        final int closedBefore = TestApi.CounterService.CLOSED.get();
        assertEquals(1, pair.worker.exportedObjectCount());
        pair.client.release(counter);
        awaitTrue(() -> TestApi.CounterService.CLOSED.get() == closedBefore + 1);
        assertEquals(0, pair.worker.exportedObjectCount());
        assertThrows(NoSuchRemoteObjectException.class, counter::value);
    }

    @Test
    void shouldCloseExportedObjectsAndFailCallsWhenTheSessionEnds() throws Exception
    {
        final Counter counter = pair.client.lookup("counter", Counter.class);
        counter.increment();
        final int closedBefore = TestApi.CounterService.CLOSED.get();
        pair.client.close();
        awaitTrue(() -> !pair.worker.isOpen());
        awaitTrue(() -> TestApi.CounterService.CLOSED.get() == closedBefore + 1);
        final SessionLostException thrown = assertThrows(SessionLostException.class, counter::value);
        assertTrue(thrown.getMessage().contains("Counter.value"), thrown.getMessage());
        assertTrue(pair.worker.closeReason().contains("NORMAL"), pair.worker.closeReason());
    }

    @Test
    void shouldPing() throws Exception
    {
        pair.client.ping().get(5, TimeUnit.SECONDS);
        pair.worker.ping().get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldFailAsyncCallsInFlightWhenTheTransportCloses() throws Exception
    {
        final TestApi.SlowService slow = new TestApi.SlowService();
        final SessionPair local = new SessionPair(SessionPair.services(r -> r.deploy("slow", TestApi.Slow.class,
            c -> slow)));
        try
        {
            final TestApi.SlowAsync proxy = local.client.lookup("slow", TestApi.SlowAsync.class);
            final CompletableFuture<Boolean> call = proxy.block(1);
            slow.started.await(5, TimeUnit.SECONDS);
            local.client.onTransportClosed(new java.io.IOException("cable cut"));
            final ExecutionException thrown = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
            assertInstanceOf(SessionLostException.class, thrown.getCause());
            assertTrue(thrown.getCause().getMessage().contains("cable cut"), thrown.getCause().getMessage());
            assertFalse(local.client.isOpen());
        }
        finally
        {
            slow.release.countDown();
            local.close();
        }
    }

    static void awaitTrue(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(1);
        }
    }
}
