package io.switchboard.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.stream.FrameAssembler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every case of docs/rpc-protocol.md section 7: the session sends GOODBYE 7 saying what, then ends.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RpcProtocolErrorTest
{
    private final RawPeer peer = new RawPeer(TestApi.standardServices(), b -> b.limits(4096, 16));

    private void assertGoodbyeSeven(final String expectedText) throws InterruptedException
    {
        final RawPeer.Frame goodbye = peer.awaitType(RpcFrame.GOODBYE);
        assertEquals(7, goodbye.goodbyeCode());
        assertTrue(goodbye.goodbyeMessage().contains(expectedText), goodbye.goodbyeMessage());
        assertFalse(peer.session.isOpen());
        assertTrue(peer.sinkClosed);
        assertTrue(peer.session.closeReason().contains(expectedText), peer.session.closeReason());
    }

    @Test
    void shouldEndOnGarbageBytes() throws Exception
    {
        final FrameAssembler assembler = new FrameAssembler(4096, peer.session);
        final byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes();
        assembler.onBytes(garbage, 0, garbage.length);
        assertGoodbyeSeven("over the session's maximum of 4096");
    }

    @Test
    void shouldEndOnAnOversizeFrame() throws Exception
    {
        final FrameAssembler assembler = new FrameAssembler(4096, peer.session);
        final byte[] header = RawPeer.header(RpcFrame.CALL, 1, 0, 0);
        BigEndian.putU32(header, 0, 5000);
        assembler.onBytes(header, 0, header.length);
        assertGoodbyeSeven("frame length 5004 over the session's maximum of 4096");
    }

    @Test
    void shouldEndOnALengthUnderTheHeader() throws Exception
    {
        final FrameAssembler assembler = new FrameAssembler(4096, peer.session);
        final byte[] header = RawPeer.header(RpcFrame.PING, 1, 0, 0);
        BigEndian.putU32(header, 0, 3);
        assembler.onBytes(header, 0, header.length);
        assertGoodbyeSeven("under the smallest header");
    }

    @Test
    void shouldEndOnAnUnknownFrameType() throws Exception
    {
        peer.feed(RawPeer.header(42, 1, 0, 0));
        assertGoodbyeSeven("unknown frame type 42");
    }

    @Test
    void shouldEndOnAResultForACallNeverSent() throws Exception
    {
        peer.feed(RawPeer.frame(RpcFrame.RESULT, 77, 0, new byte[] {(byte)0xF6}));
        assertGoodbyeSeven("RESULT for call 77, which this side never sent");
    }

    @Test
    void shouldEndOnAnErrorForACallNeverSent() throws Exception
    {
        peer.feed(RawPeer.frame(RpcFrame.ERROR, 5, 0, new byte[] {0, 1, (byte)0xA0}));
        assertGoodbyeSeven("ERROR for call 5, which this side never sent");
    }

    @Test
    void shouldEndOnATruncatedCallHeader() throws Exception
    {
        peer.feed(RawPeer.header(RpcFrame.CALL, 1, 0, 3));
        assertGoodbyeSeven("CALL frame truncated");
    }

    @Test
    void shouldEndOnAMethodNameRunningPastTheFrame() throws Exception
    {
        final byte[] frame = RawPeer.call(1, 0, 0, "lookup", new Object[] {"echo"});
        BigEndian.putU16(frame, RpcFrame.CALL_METHOD_LENGTH_OFFSET, 500);
        peer.feed(frame);
        assertGoodbyeSeven("method name of 500 bytes runs past the frame's end");
    }

    @Test
    void shouldEndOnArgumentsThatAreNotAnArray() throws Exception
    {
        peer.feed(RawPeer.callFrame(1, 0, 0, "lookup", new byte[] {0x61, 'x'}));
        assertGoodbyeSeven("arguments are not a CBOR array");
    }

    @Test
    void shouldEndOnTruncatedCborArguments() throws Exception
    {
        // an array of one text string that claims 10 bytes and has 2
        peer.feed(RawPeer.callFrame(1, 0, 0, "lookup", new byte[] {(byte)0x81, 0x6A, 'e', 'c'}));
        assertGoodbyeSeven("arguments are not well-formed CBOR");
    }

    @Test
    void shouldEndOnATruncatedGoodbyeOrError() throws Exception
    {
        peer.feed(RawPeer.header(RpcFrame.GOODBYE, 0, 0, 2));
        assertGoodbyeSeven("GOODBYE frame truncated");
    }

    @Test
    void shouldEndOnALengthFieldThatDisagreesWithTheFrame() throws Exception
    {
        final byte[] frame = RawPeer.header(RpcFrame.PING, 1, 0, 4);
        BigEndian.putU32(frame, 0, 20);
        peer.feed(frame);
        assertGoodbyeSeven("length field says 20");
    }

    @Test
    void shouldEndOnADuplicateCallId() throws Exception
    {
        final TestApi.SlowService slow = new TestApi.SlowService();
        final RawPeer slowPeer = new RawPeer(SessionPair.services(r -> r.deploy("slow", TestApi.Slow.class,
            c -> slow, ServiceOption.CONCURRENT)));
        slowPeer.feed(RawPeer.call(1, 0, 0, "lookup", new Object[] {"slow"}));
        final long id = slowPeer.awaitResultRef(1);
        slowPeer.feed(RawPeer.call(2, id, 0, "block", new Object[] {1}));
        slowPeer.feed(RawPeer.call(2, id, 0, "block", new Object[] {2}));
        final RawPeer.Frame goodbye = slowPeer.awaitType(RpcFrame.GOODBYE);
        assertEquals(7, goodbye.goodbyeCode());
        assertTrue(goodbye.goodbyeMessage().contains("CALL 2 while a call with that id is in flight"),
            goodbye.goodbyeMessage());
        // the session's end stops its calls: the first one, if it had started, is interrupted, and if the
        // session ended before its thread got to it, it never runs
        if (slow.started.await(500, TimeUnit.MILLISECONDS))
        {
            assertTrue(slow.interrupted.get(5, TimeUnit.SECONDS), "the session's end stops a running call");
        }
    }

    @Test
    void shouldIgnoreFlagsAndReservedBitsAndLateAnswers() throws Exception
    {
        final byte[] ping = RawPeer.header(RpcFrame.PING, 9, 0, 0);
        ping[RpcFrame.FLAGS_OFFSET] = (byte)0xFF;
        ping[RpcFrame.RESERVED_OFFSET] = 1;
        peer.feed(ping);
        final RawPeer.Frame pong = peer.awaitType(RpcFrame.PONG);
        assertEquals(9, pong.callId());
        // a CANCEL and a RELEASE naming nothing are ignored
        peer.feed(RawPeer.header(RpcFrame.CANCEL, 1234, 0, 0));
        peer.feed(RawPeer.header(RpcFrame.RELEASE, 0, 999, 0));
        assertTrue(peer.session.isOpen());
    }

    @Test
    void shouldFailOutstandingCallsWhenThePeerSaysGoodbye() throws Exception
    {
        final java.util.concurrent.CompletableFuture<Void> pong = peer.session.ping();
        final byte[] text = "worker died".getBytes();
        final byte[] goodbye = RawPeer.header(RpcFrame.GOODBYE, 0, 0, 4 + text.length);
        BigEndian.putU16(goodbye, RpcFrame.GOODBYE_CODE_OFFSET, 8);
        BigEndian.putU16(goodbye, RpcFrame.GOODBYE_MESSAGE_LENGTH_OFFSET, text.length);
        System.arraycopy(text, 0, goodbye, RpcFrame.GOODBYE_MESSAGE_OFFSET, text.length);
        peer.feed(goodbye);
        final java.util.concurrent.ExecutionException thrown = org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.ExecutionException.class, () -> pong.get(5, TimeUnit.SECONDS));
        assertTrue(thrown.getCause() instanceof SessionLostException);
        assertTrue(thrown.getCause().getMessage().contains("SESSION_LOST: worker died"), thrown.getCause().getMessage());
        assertFalse(peer.session.isOpen());
    }
}
