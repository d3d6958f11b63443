package io.switchboard.client;

import static io.switchboard.client.SocketPair.calls;
import static io.switchboard.client.SocketPair.completing;
import static io.switchboard.client.SocketPair.until;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.stream.FrameAssembler;
import io.switchboard.rpc.stream.FrameHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leader/follower reading, each race staged the same way every run: the test holds the token itself, or waits for
 * the pump to sleep in read, before the threads under test move.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadTokenTest
{
    /** Long enough that a frame left held, or a follower left without a reader, shows as a call not done. */
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Three callers queue as followers while the test leads; one read delivers the first two answers. The first
     * woken follower finds its answer there and leaves, and so does the second: each must pass the turn on, or the
     * third never gets a reader.
     */
    @Test
    void shouldHaveAFollowerWhoseAnswerCameWithAnotherPassTheTurnOn() throws Exception
    {
        try (SocketPair pair = new SocketPair(ReadPump.LINGER_NS))
        {
            final CompletableFuture<?>[] calls = calls(3);
            // no pump: only the token's hand-offs wake anyone
            pair.connection.reader().attach(new FrameAssembler(1 << 20, completing(calls)));
            final ReadToken token = pair.connection.readToken();
            assertTrue(token.tryAcquire(), "the test leads");

            final long deadlineNs = System.nanoTime() + DEADLINE_NS;
            final Thread[] callers = new Thread[3];
            for (int id = 1; id <= 3; id++)
            {
                final CompletableFuture<?> call = calls[id];
                callers[id - 1] = TestThreads.start(() -> awaitQuietly(token, call, deadlineNs));
                // parked: it joined the followers first, so they queue in this order
                final Thread caller = callers[id - 1];
                until(() -> caller.getState() == Thread.State.TIMED_WAITING);
            }

            pair.answer(1, 2);
            while (!calls[1].isDone() || !calls[2].isDone())
            {
                pair.connection.reader().readOnce(0);
            }
            token.release();
            pair.answer(3);
            for (final Thread caller : callers)
            {
                caller.join();
            }

            assertTrue(calls[3].isDone(), "the third caller got a reader before its deadline");
        }
    }

    /**
     * Code run by the reader while it delivers (a future's continuation, a non-blocking service) must not make a
     * synchronous call: it would wait for an answer only it could read. It gets a clear error, not a hang.
     */
    @Test
    void shouldRefuseASynchronousCallFromTheDeliveringThread() throws Exception
    {
        try (SocketPair pair = new SocketPair(ReadPump.LINGER_NS))
        {
            final AtomicReference<Throwable> refused = new AtomicReference<>();
            final CompletableFuture<Void> delivered = new CompletableFuture<>();
            final ReadToken token = pair.connection.readToken();
            final FrameHandler handler = new FrameHandler()
            {
                @Override
                public void onFrame(final byte[] buffer, final int offset, final int length)
                {
                    try
                    {
                        token.await(new CompletableFuture<>(), System.nanoTime() + DEADLINE_NS);
                    }
                    catch (final Throwable ex)
                    {
                        refused.set(ex);
                    }
                    delivered.complete(null);
                }

                @Override
                public void onMalformedStream(final String reason)
                {
                    throw new AssertionError(reason);
                }
            };
            pair.connection.start(new FrameAssembler(1 << 20, handler), 0);

            pair.answer(1);
            delivered.get();

            assertInstanceOf(IllegalStateException.class, refused.get());
        }
    }

    /**
     * A delivery woke two callers, so the next call's frame is held for both; neither comes. The pump sleeps in read,
     * so the caller, a follower, must see that its own frame goes out.
     */
    @Test
    void shouldHaveAFollowerWriteFramesHeldWhileTheLeaderSleepsInRead() throws Exception
    {
        try (SocketPair pair = new SocketPair(ReadPump.LINGER_NS))
        {
            final CompletableFuture<?>[] calls = calls(1);
            pair.answerEveryCall();
            pair.connection.start(new FrameAssembler(1 << 20, completing(calls)), 0);
            until(pair.connection.reader()::isInRead);

            final HoldPolicy hold = pair.connection.writer().holdPolicy();
            hold.callerAnswered();
            hold.callerAnswered();
            final byte[] call = SocketPair.frame(1);
            pair.connection.writer().sendAwaited(call, 0, call.length);
            assertTrue(hold.isHolding(), "staged: the frame is held");
            pair.connection.readToken().await(calls[1], System.nanoTime() + DEADLINE_NS);

            assertTrue(calls[1].isDone(), "answered: the frame did not stay held");
        }
    }

    /**
     * As above, but the caller leads (the pump keeps away for a minute): before it sleeps in read, it must see that
     * the frame held for callers who never come goes out.
     */
    @Test
    void shouldHaveALeaderWriteHeldFramesBeforeItSleepsInRead() throws Exception
    {
        try (SocketPair pair = new SocketPair(TimeUnit.MINUTES.toNanos(1)))
        {
            final CompletableFuture<?>[] calls = calls(1);
            pair.answerEveryCall();
            // no pump: the caller is the only reader
            pair.connection.reader().attach(new FrameAssembler(1 << 20, completing(calls)));

            final HoldPolicy hold = pair.connection.writer().holdPolicy();
            hold.callerAnswered();
            hold.callerAnswered();
            final byte[] call = SocketPair.frame(1);
            pair.connection.writer().sendAwaited(call, 0, call.length);
            assertTrue(hold.isHolding(), "staged: the frame is held");
            pair.connection.readToken().await(calls[1], System.nanoTime() + DEADLINE_NS);

            assertTrue(calls[1].isDone(), "answered: the frame did not stay held");
        }
    }

    private static void awaitQuietly(final ReadToken token, final CompletableFuture<?> call, final long deadlineNs)
    {
        try
        {
            token.await(call, deadlineNs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
