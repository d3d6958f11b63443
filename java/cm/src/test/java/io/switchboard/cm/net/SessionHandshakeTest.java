package io.switchboard.cm.net;

import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.protocol.rpc.RpcHandshake;
import org.junit.jupiter.api.Test;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionHandshakeTest
{
    private static final int CM_MAX_FRAME = 1 << 20;
    private final SessionHandshake handshake = new SessionHandshake(new RpcSettings(Set.of("app"), CM_MAX_FRAME, 16));

    @Test
    void shouldSettleOnTheClientsMaxFrameLengthWhenSmaller()
    {
        assertEquals(SessionHandshake.ACCEPTED, handshake.readHello(hello("app", maxFrameOption(65_536)), false));
        assertEquals(65_536, handshake.maxFrameLength());

        final ByteBuffer ring = ByteBuffer.allocate(64);
        handshake.writeSessionOpen(ring, 8, 42);
        assertEquals(42, ring.getLong(8 + RpcChannelFrameType.OPEN_SESSION_ID_OFFSET));
        assertEquals(65_536, ring.getInt(8 + RpcChannelFrameType.OPEN_MAX_FRAME_OFFSET), "what the worker is told");
        assertEquals(16, ring.getInt(8 + RpcChannelFrameType.OPEN_MAX_CALLS_OFFSET));
        assertEquals(3, ring.getShort(8 + RpcChannelFrameType.OPEN_APPLICATION_LENGTH_OFFSET));
        assertEquals(RpcChannelFrameType.OPEN_APPLICATION_OFFSET + 3, handshake.sessionOpenLength());

        final ByteBuffer out = ByteBuffer.allocate(256);
        handshake.writeWelcome(out, 42, 1);
        final RpcHandshake.Welcome welcome = RpcHandshake.readWelcome(out.flip());
        assertEquals(RpcHandshake.STATUS_OK, welcome.status());
        assertEquals(65_536, welcome.maxFrameLength());
        assertEquals(42, welcome.sessionId());
    }

    @Test
    void shouldKeepTheCmsMaxFrameLengthWhenTheClientAsksForMoreOrNothing()
    {
        assertEquals(SessionHandshake.ACCEPTED, handshake.readHello(hello("app", maxFrameOption(1L << 40)), false));
        assertEquals(CM_MAX_FRAME, handshake.maxFrameLength());

        final SessionHandshake silent = new SessionHandshake(new RpcSettings(Set.of("app"), CM_MAX_FRAME, 16));
        assertEquals(SessionHandshake.ACCEPTED, silent.readHello(hello("app", new byte[] {(byte)0xA0}), false));
        assertEquals(CM_MAX_FRAME, silent.maxFrameLength());
    }

    @Test
    void shouldRefuseAMaxFrameLengthTooSmallOrNotANumber()
    {
        assertEquals(SessionHandshake.REFUSED, handshake.readHello(hello("app", maxFrameOption(255)), false));
        assertEquals(RpcHandshake.STATUS_MALFORMED_HELLO, handshake.refusalStatus());
        assertTrue(handshake.refusalMessage().contains("maxFrameLength=255"), handshake.refusalMessage());

        final byte[] textValue = option("maxFrameLength", new byte[] {0x61, 0x31});
        assertEquals(SessionHandshake.REFUSED, handshake.readHello(hello("app", textValue), false));
        assertEquals(RpcHandshake.STATUS_MALFORMED_HELLO, handshake.refusalStatus());
    }

    @Test
    void shouldWaitForTheRestOfAHello()
    {
        final ByteBuffer whole = hello("app", maxFrameOption(65_536));
        final ByteBuffer part = ByteBuffer.allocate(RpcHandshake.MAX_HELLO_LENGTH).put(whole.slice(0, 9)).flip();
        assertEquals(SessionHandshake.INCOMPLETE, handshake.readHello(part, false));
        assertNull(handshake.affinity());
    }

    @Test
    void shouldRefuseUnknownApplicationsAndAnyHelloWhileStopping()
    {
        assertEquals(SessionHandshake.REFUSED, handshake.readHello(hello("other", maxFrameOption(65_536)), false));
        assertEquals(RpcHandshake.STATUS_UNKNOWN_APPLICATION, handshake.refusalStatus());
        assertTrue(handshake.refusalMessage().contains("'other'"), handshake.refusalMessage());

        assertEquals(SessionHandshake.REFUSED, handshake.readHello(hello("app", maxFrameOption(65_536)), true));
        assertEquals(RpcHandshake.STATUS_SHUTTING_DOWN, handshake.refusalStatus());
    }

    @Test
    void shouldReadTheWorkersAnswer()
    {
        final SharedBuffer memory = SharedBuffer.wrap(new byte[64]);
        assertEquals(SessionHandshake.ACCEPTED,
            handshake.readWorkerAnswer(memory, 0, 0, RpcChannelFrameType.SESSION_ACCEPTED));

        final byte[] text = "no such application".getBytes(StandardCharsets.UTF_8);
        final ByteBuffer rejected = ByteBuffer.allocate(2 + text.length).putShort((short)2).put(text);
        assertEquals(SessionHandshake.REFUSED, handshake.readWorkerAnswer(SharedBuffer.wrap(rejected.array()), 0,
            rejected.capacity(), RpcChannelFrameType.SESSION_REJECTED));
        assertEquals(RpcHandshake.STATUS_UNKNOWN_APPLICATION, handshake.refusalStatus());
        assertEquals("no such application", handshake.refusalMessage());

        // a refusal claiming OK would open nothing: the client is told no worker took it
        final ByteBuffer okRefusal = ByteBuffer.allocate(2).putShort((short)RpcHandshake.STATUS_OK);
        handshake.readWorkerAnswer(SharedBuffer.wrap(okRefusal.array()), 0, 2, RpcChannelFrameType.SESSION_REJECTED);
        assertEquals(RpcHandshake.STATUS_NO_WORKER, handshake.refusalStatus());

        assertThrows(BadWorkerFrame.class,
            () -> handshake.readWorkerAnswer(memory, 0, 1, RpcChannelFrameType.SESSION_REJECTED));
        assertThrows(BadWorkerFrame.class,
            () -> handshake.readWorkerAnswer(memory, 0, 8, RpcChannelFrameType.STREAM));
    }

    private static ByteBuffer hello(final String application, final byte[] options)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(RpcHandshake.MAX_HELLO_LENGTH);
        RpcHandshake.writeHello(buffer, application, options);
        return buffer.flip();
    }

    /**
     * {"maxFrameLength": length}, length a CBOR unsigned integer with an 8-byte argument.
     */
    private static byte[] maxFrameOption(final long length)
    {
        return option("maxFrameLength", ByteBuffer.allocate(9).put((byte)0x1B).putLong(length).array());
    }

    private static byte[] option(final String key, final byte[] cborValue)
    {
        final byte[] name = key.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer map = ByteBuffer.allocate(2 + name.length + cborValue.length);
        map.put((byte)0xA1).put((byte)(0x60 | name.length)).put(name).put(cborValue);
        return Arrays.copyOf(map.array(), map.position());
    }
}
