package io.switchboard.rpc;

import static io.switchboard.rpc.RpcSessionCallTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcGoodbyeCode;
import io.switchboard.rpc.TestApi.Slow;
import io.switchboard.rpc.TestApi.SlowAsync;
import io.switchboard.rpc.TestApi.SlowService;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The peer's GOODBYE 9 is a notice (docs/rpc-protocol.md 3.3): the calls sent before it are answered, no call starts
 * after it, the application is told at once, and this side says its own GOODBYE once its calls are answered.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ShutdownNoticeTest
{
    @Test
    void shouldAnswerTheCallSentBeforeTheNoticeRefuseNewOnesThenSayGoodbye() throws Exception
    {
        final SlowService slow = new SlowService();
        try (SessionPair pair = new SessionPair(SessionPair.services(r -> r.deploy("slow", Slow.class, c -> slow))))
        {
            final SlowAsync proxy = pair.client.lookup("slow", SlowAsync.class);
            final CompletableFuture<Boolean> inFlight = proxy.block(1);
            assertTrue(slow.started.await(10, TimeUnit.SECONDS), "the call runs");

            // the CM's notice, in the stream to the client after what the worker wrote so far
            final byte[] text = "the connection manager is shutting down".getBytes();
            final byte[] notice = RawPeer.frame(RpcFrame.GOODBYE, 0, 0, ByteBuffer.allocate(4 + text.length)
                .putShort((short)RpcGoodbyeCode.SHUTTING_DOWN).putShort((short)text.length).put(text).array());
            pair.toClient.send(notice, 0, notice.length);

            final SessionLostException lost = pair.client.ended().get(10, TimeUnit.SECONDS);
            assertTrue(lost.getMessage().contains("SHUTTING_DOWN"), lost.getMessage());
            assertTrue(pair.client.endingReason() != null, "the notice is kept");
            assertTrue(pair.client.isOpen(), "open while a call awaits its answer");

            final ExecutionException refused = assertThrows(ExecutionException.class,
                () -> proxy.block(2).get(10, TimeUnit.SECONDS), "a call started after the notice");
            assertInstanceOf(SessionLostException.class, refused.getCause());
            assertTrue(refused.getCause().getMessage().contains("not sent"), refused.getCause().getMessage());
            assertFalse(inFlight.isDone(), "the call sent before the notice goes on");
            assertTrue(pair.worker.isOpen(), "no GOODBYE while a call awaits its answer");

            slow.release.countDown();
            assertFalse(inFlight.get(10, TimeUnit.SECONDS), "answered, not interrupted");
            awaitTrue(() -> !pair.client.isOpen() && !pair.worker.isOpen());
            assertTrue(pair.worker.closeReason().contains("NORMAL"), pair.worker.closeReason());
        }
    }
}
