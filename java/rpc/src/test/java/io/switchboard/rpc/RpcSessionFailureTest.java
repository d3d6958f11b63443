package io.switchboard.rpc;

import static io.switchboard.rpc.RpcSessionCallTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.TestApi.Slow;
import io.switchboard.rpc.TestApi.SlowAsync;
import io.switchboard.rpc.TestApi.SlowService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RpcSessionFailureTest
{
    private static SessionPair slowPair(final SlowService slow, final ServiceOption... options)
    {
        return new SessionPair(SessionPair.services(r -> r.deploy("slow", Slow.class, c -> slow, options)));
    }

    @Test
    void shouldRefuseNewCallsWithShuttingDownWhileACallInFlightFinishes() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow, ServiceOption.CONCURRENT))
        {
            final SlowAsync proxy = pair.client.lookup("slow", SlowAsync.class);
            final CompletableFuture<Boolean> inFlight = proxy.block(1);
            assertTrue(slow.started.await(5, TimeUnit.SECONDS));

            pair.worker.stopAcceptingCalls();

            final ExecutionException refused = assertThrows(ExecutionException.class,
                () -> proxy.block(2).get(5, TimeUnit.SECONDS));
            assertInstanceOf(ShuttingDownException.class, refused.getCause());
            assertTrue(refused.getCause().getMessage().contains("takes no new calls"), refused.getCause().getMessage());
            slow.release.countDown();
            assertEquals(false, inFlight.get(5, TimeUnit.SECONDS), "the call received before runs to its answer");
            assertTrue(pair.worker.isOpen(), "draining keeps the session");
            assertEquals(false, pair.worker.isAcceptingCalls());
        }
    }

    @Test
    void shouldFailACallLocallyAtItsDeadlineAndIgnoreTheLateAnswer() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow))
        {
            final Slow proxy = pair.client.withDeadline(pair.client.lookup("slow", Slow.class), Duration.ofMillis(50));
            final DeadlineExceededException thrown = assertThrows(DeadlineExceededException.class, () -> proxy.block(1));
            assertTrue(thrown.getMessage().contains("Slow.block"), thrown.getMessage());
            assertTrue(thrown.getMessage().contains("50 ms"), thrown.getMessage());
            assertEquals(0, pair.client.outgoingCallsInFlight());
            // the receiver's own deadline stopped the method: interrupted
            assertTrue(slow.interrupted.get(5, TimeUnit.SECONDS));
            assertTrue(pair.client.isOpen());
            awaitTrue(() -> pair.worker.incomingCallsInFlight() == 0);
        }
    }

    @Test
    void shouldFailAnAsyncCallAtItsDeadline() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow))
        {
            final SlowAsync proxy = pair.client.withDeadline(pair.client.lookup("slow", SlowAsync.class),
                Duration.ofMillis(50));
            final ExecutionException thrown = assertThrows(ExecutionException.class,
                () -> proxy.block(1).get(5, TimeUnit.SECONDS));
            assertInstanceOf(DeadlineExceededException.class, thrown.getCause());
        }
        finally
        {
            slow.release.countDown();
        }
    }

    @Test
    void shouldCancelACallOnTheReceiver() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow))
        {
            final SlowAsync proxy = pair.client.lookup("slow", SlowAsync.class);
            final CompletableFuture<Boolean> call = proxy.block(1);
            assertTrue(slow.started.await(5, TimeUnit.SECONDS));
            assertTrue(call.cancel(true));
            assertThrows(CancellationException.class, call::join);
            assertTrue(slow.interrupted.get(5, TimeUnit.SECONDS), "the receiver's thread is interrupted");
            awaitTrue(() -> pair.worker.incomingCallsInFlight() == 0);
            assertEquals(0, pair.client.outgoingCallsInFlight());
            // the session lives on
            assertEquals(3, pair.client.lookup("slow", Slow.class).order(3));
        }
    }

    @Test
    void shouldCancelASyncCallWhenTheCallingThreadIsInterrupted() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow))
        {
            final Slow proxy = pair.client.lookup("slow", Slow.class);
            final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            final Thread caller = Thread.ofPlatform().start(() ->
            {
                try
                {
                    proxy.block(1);
                    outcome.complete(null);
                }
                catch (final Throwable ex)
                {
                    outcome.complete(ex);
                }
            });
            assertTrue(slow.started.await(5, TimeUnit.SECONDS));
            caller.interrupt();
            assertInstanceOf(CallCancelledException.class, outcome.get(5, TimeUnit.SECONDS));
            assertTrue(slow.interrupted.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldAnswerReceiverSideDeadlineWithErrorSix() throws Exception
    {
        final SlowService slow = new SlowService();
        final RawPeer peer = new RawPeer(SessionPair.services(r -> r.deploy("slow", Slow.class, c -> slow)));
        try
        {
            peer.feed(RawPeer.call(1, 0, 0, "lookup", new Object[] {"slow"}));
            final long objectId = peer.awaitResultRef(1);
            peer.feed(RawPeer.call(2, objectId, 30, "block", new Object[] {7}));
            final RawPeer.Frame error = peer.awaitAnswer(2);
            assertEquals(io.switchboard.protocol.rpc.RpcFrame.ERROR, error.type());
            assertEquals(6, error.errorCode());
            assertTrue(error.errorMessage().contains("Slow.block"), error.errorMessage());
            assertTrue(slow.interrupted.get(5, TimeUnit.SECONDS));
        }
        finally
        {
            peer.session.close();
        }
    }

    @Test
    void shouldRunCallsToOneObjectInOrderOneAtATime() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow))
        {
            final CompletableFuture<?>[] calls = orderCalls(pair, 30);
            CompletableFuture.allOf(calls).get(10, TimeUnit.SECONDS);
            assertEquals(1, slow.maxRunning.get());
            final List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++)
            {
                expected.add(i);
            }
            assertEquals(expected, new ArrayList<>(slow.seen));
        }
    }

    @Test
    void shouldRunCallsToAConcurrentObjectAtOnce() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow, ServiceOption.CONCURRENT))
        {
            // block() holds one call open while the others run beside it
            final SlowAsync blocker = pair.client.lookup("slow", SlowAsync.class);
            final CompletableFuture<Boolean> blocked = blocker.block(0);
            assertTrue(slow.started.await(5, TimeUnit.SECONDS));
            CompletableFuture.allOf(orderCalls(pair, 10)).get(10, TimeUnit.SECONDS);
            slow.release.countDown();
            assertEquals(false, blocked.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRunNonBlockingServiceCallsOnTheReaderThread() throws Exception
    {
        final CompletableFuture<String> thread = new CompletableFuture<>();
        final DeployedServices services = SessionPair.services(r -> r.deploy("inline", TestApi.Echo.class,
            c -> new TestApi.EchoService()
            {
                @Override
                public String text(final String text)
                {
                    thread.complete(Thread.currentThread().getName());
                    return text;
                }
            }, ServiceOption.NON_BLOCKING));
        try (SessionPair pair = new SessionPair(services))
        {
            assertEquals("x", pair.client.lookup("inline", TestApi.Echo.class).text("x"));
            assertEquals("to-worker", thread.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldAnswerAnAsyncImplementationWhenItsFutureCompletes() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow))
        {
            final Slow proxy = pair.client.lookup("slow", Slow.class);
            final CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> proxy.later("!").join());
            awaitTrue(() -> pair.worker.incomingCallsInFlight() == 1);
            slow.pending.complete("done");
            assertEquals("done!", answer.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldCarryAnApplicationExceptionsTypeMessageAndStack()
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = slowPair(slow))
        {
            final Slow proxy = pair.client.lookup("slow", Slow.class);
            final RemoteApplicationException thrown =
                assertThrows(RemoteApplicationException.class, () -> proxy.fail("it broke"));
            assertEquals("java.lang.IllegalStateException", thrown.remoteType());
            assertEquals("it broke", thrown.remoteMessage());
            assertTrue(thrown.remoteStack().get(0).startsWith(SlowService.class.getName() + ".fail("),
                thrown.remoteStack().toString());
            assertTrue(thrown.remoteStack().size() <= 32);
            assertTrue(thrown.getMessage().contains("Slow.fail on object"), thrown.getMessage());
            // the local stack is the caller's
            assertTrue(thrown.getStackTrace()[0].getClassName().startsWith("io.switchboard.rpc"));
        }
    }

    @Test
    void shouldAnswerUnknownObjectMethodAndBadArguments() throws Exception
    {
        final RawPeer peer = new RawPeer(TestApi.standardServices());
        try
        {
            peer.feed(RawPeer.call(1, 99, 0, "value", new Object[0]));
            assertEquals(2, peer.awaitAnswer(1).errorCode());
            assertTrue(peer.awaitAnswer(1).errorMessage().contains("object 99"), peer.awaitAnswer(1).errorMessage());

            peer.feed(RawPeer.call(2, 0, 0, "lookup", new Object[] {"counter"}));
            final long counter = peer.awaitResultRef(2);
            peer.feed(RawPeer.call(3, counter, 0, "nope", new Object[0]));
            assertEquals(3, peer.awaitAnswer(3).errorCode());
            assertTrue(peer.awaitAnswer(3).errorMessage().contains("'nope'"), peer.awaitAnswer(3).errorMessage());

            peer.feed(RawPeer.call(4, counter, 0, "value", new Object[] {1, 2}));
            assertEquals(3, peer.awaitAnswer(4).errorCode());
            assertTrue(peer.awaitAnswer(4).errorMessage().contains("taking 2 arguments"),
                peer.awaitAnswer(4).errorMessage());

            peer.feed(RawPeer.call(5, 0, 0, "lookup", new Object[] {"types"}));
            final long types = peer.awaitResultRef(5);
            peer.feed(RawPeer.call(6, types, 0, "colour", new Object[] {"PURPLE"}));
            assertEquals(4, peer.awaitAnswer(6).errorCode());
            peer.feed(RawPeer.call(7, types, 0, "sum", new Object[] {"one", 2, 3.0, true, 5}));
            assertEquals(4, peer.awaitAnswer(7).errorCode());
            peer.feed(RawPeer.call(8, types, 0, "sum", new Object[] {null, 2, 3.0, true, 5}));
            assertEquals(4, peer.awaitAnswer(8).errorCode());
            assertTrue(peer.session.isOpen());
        }
        finally
        {
            peer.session.close();
        }
    }

    @Test
    void shouldRefuseCallsOverTheLimitOnBothSides() throws Exception
    {
        final SlowService slow = new SlowService();
        final RawPeer peer = new RawPeer(SessionPair.services(r -> r.deploy("slow", Slow.class, c -> slow,
            ServiceOption.CONCURRENT)), b -> b.limits(4096, 2));
        try
        {
            peer.feed(RawPeer.call(1, 0, 0, "lookup", new Object[] {"slow"}));
            final long objectId = peer.awaitResultRef(1);
            peer.feed(RawPeer.call(2, objectId, 0, "block", new Object[] {1}));
            peer.feed(RawPeer.call(3, objectId, 0, "block", new Object[] {2}));
            peer.feed(RawPeer.call(4, objectId, 0, "block", new Object[] {3}));
            final RawPeer.Frame refused = peer.awaitAnswer(4);
            assertEquals(7, refused.errorCode());
            assertTrue(refused.errorMessage().contains("2 of your calls"), refused.errorMessage());
            slow.release.countDown();
            peer.awaitAnswer(2);
            peer.awaitAnswer(3);
        }
        finally
        {
            peer.session.close();
        }

        final SlowService slow2 = new SlowService();
        try (SessionPair pair = new SessionPair(SessionPair.services(r -> r.deploy("slow", Slow.class, c -> slow2,
            ServiceOption.CONCURRENT)), b -> b.limits(4096, 2), b -> { }))
        {
            final SlowAsync proxy = pair.client.lookup("slow", SlowAsync.class);
            final CompletableFuture<Boolean> a = proxy.block(1);
            final CompletableFuture<Boolean> b = proxy.block(2);
            final ExecutionException thrown = assertThrows(ExecutionException.class,
                () -> proxy.block(3).get(5, TimeUnit.SECONDS));
            assertInstanceOf(LimitExceededException.class, thrown.getCause());
            slow2.release.countDown();
            a.get(5, TimeUnit.SECONDS);
            b.get(5, TimeUnit.SECONDS);
            assertEquals(false, proxy.block(4).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldFailAnOversizeCallLocally()
    {
        try (SessionPair pair = new SessionPair(TestApi.standardServices(), b -> b.limits(4096, 16), b -> { }))
        {
            final TestApi.Echo echo = pair.client.lookup("echo", TestApi.Echo.class);
            final LimitExceededException thrown =
                assertThrows(LimitExceededException.class, () -> echo.echo(new byte[10_000]));
            assertTrue(thrown.getMessage().contains("max frame length of 4096"), thrown.getMessage());
            assertEquals("ok", echo.text("ok"));
        }
    }

    @Test
    void shouldRejectOverloadedRemoteMethodNames()
    {
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
            () -> new DeployedServices("x").deploy("o", TestApi.Overloaded.class, c -> null));
        assertTrue(thrown.getMessage().contains("go(int), go(String)"), thrown.getMessage());
        try (SessionPair pair = new SessionPair(TestApi.standardServices()))
        {
            assertThrows(IllegalArgumentException.class, () -> pair.client.lookup("echo", TestApi.Overloaded.class));
        }
    }

    private static CompletableFuture<?>[] orderCalls(final SessionPair pair, final int count)
    {
        @Remote
        interface OrderAsync
        {
            CompletableFuture<Integer> order(int sequence);
        }
        final OrderAsync proxy = pair.client.lookup("slow", OrderAsync.class);
        final CompletableFuture<?>[] calls = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++)
        {
            calls[i] = proxy.order(i);
        }
        return calls;
    }
}
