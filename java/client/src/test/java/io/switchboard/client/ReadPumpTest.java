package io.switchboard.client;

import static io.switchboard.client.SocketPair.calls;
import static io.switchboard.client.SocketPair.completing;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.stream.FrameAssembler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadPumpTest
{
    /**
     * The pump keeps away for a while after a synchronous call, so that a thread calling again leads; an async call
     * made in that while must not wait it out: nobody else would read its answer. The linger is made an hour long
     * here: the answer comes at once, or the test times out.
     */
    @Test
    void shouldReadTheAnswerOfAnAsyncCallMadeRightAfterASynchronousOne() throws Exception
    {
        try (SocketPair pair = new SocketPair(TimeUnit.HOURS.toNanos(1)))
        {
            final CompletableFuture<?>[] calls = calls(2);
            pair.answerEveryCall();
            pair.connection.start(new FrameAssembler(1 << 20, completing(calls)), 0);
            final CoalescingWriter writer = pair.connection.writer();
            final ReadToken token = pair.connection.readToken();

            final byte[] sync = SocketPair.frame(1);
            writer.sendAwaited(sync, 0, sync.length);
            token.await(calls[1], System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
            assertTrue(calls[1].isDone(), "the synchronous call was answered");

            final byte[] async = SocketPair.frame(2);
            writer.send(async, 0, async.length);
            token.asyncCallSent();
            calls[2].get();
        }
    }

    /**
     * Frames nobody waits for (callbacks from the worker) are read by the pump while no call is made.
     */
    @Test
    void shouldReadFramesNobodyWaitsFor() throws Exception
    {
        try (SocketPair pair = new SocketPair(ReadPump.LINGER_NS))
        {
            final CompletableFuture<?>[] calls = calls(2);
            pair.connection.start(new FrameAssembler(1 << 20, completing(calls)), 0);

            pair.answer(1);
            pair.answer(2);
            calls[1].get();
            calls[2].get();
        }
    }
}
