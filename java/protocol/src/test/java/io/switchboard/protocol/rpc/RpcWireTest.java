package io.switchboard.protocol.rpc;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpcWireTest
{
    @Test
    void helloRoundTripsAndWaitsForMissingBytes()
    {
        final ByteBuffer out = ByteBuffer.allocate(512);
        RpcHandshake.writeHello(out, "demo", new byte[] {(byte)0xA1, 0x61, 'k', 0x01});
        out.flip();
        for (int cut = 0; cut < out.limit(); cut++)
        {
            final ByteBuffer part = out.duplicate().limit(cut);
            if (cut < 4)
            {
                assertNull(RpcHandshake.readHello(part));
            }
            else
            {
                assertNull(RpcHandshake.readHello(part), "cut at " + cut);
                assertEquals(0, part.position());
            }
        }
        final RpcHandshake.Hello hello = RpcHandshake.readHello(out);
        assertNotNull(hello);
        assertEquals("demo", hello.application());
        assertEquals(RpcHandshake.VERSION, hello.version());
        assertEquals(4, hello.options().length);
        assertFalse(out.hasRemaining());
    }

    @Test
    void helloWithHttpBytesIsRefused()
    {
        final ByteBuffer http = ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes());
        assertThrows(RpcHandshake.MalformedHandshakeException.class, () -> RpcHandshake.readHello(http));
    }

    @Test
    void helloWithHugeOptionsIsRefused()
    {
        final ByteBuffer out = ByteBuffer.allocate(64);
        out.putInt(RpcHandshake.HELLO_MAGIC).putShort((short)1).putShort((short)0).putShort((short)1).put((byte)'a')
            .putInt(1 << 20).flip();
        assertThrows(RpcHandshake.MalformedHandshakeException.class, () -> RpcHandshake.readHello(out));
    }

    @Test
    void welcomeRoundTrips()
    {
        final ByteBuffer out = ByteBuffer.allocate(256);
        RpcHandshake.writeWelcome(out, RpcHandshake.STATUS_OK, 1 << 20, 64, 0x1234_5678_9ABCL, "ok");
        out.flip();
        final RpcHandshake.Welcome welcome = RpcHandshake.readWelcome(out);
        assertNotNull(welcome);
        assertTrue(welcome.isOk());
        assertEquals(1 << 20, welcome.maxFrameLength());
        assertEquals(64, welcome.maxCallsInFlight());
        assertEquals(0x1234_5678_9ABCL, welcome.sessionId());
        assertEquals("ok", welcome.message());
    }

    @Test
    void scannerFollowsFramesInAnyPieces()
    {
        final ByteBuffer stream = ByteBuffer.allocate(4096);
        int frames = 0;
        final Random random = new Random(7);
        while (stream.remaining() > 200)
        {
            final int type = 1 + random.nextInt(7);
            final int body = Math.max(random.nextInt(120), RpcFrame.minLengthField(type) - RpcFrame.MIN_LENGTH_FIELD);
            stream.putInt(RpcFrame.MIN_LENGTH_FIELD + body).put((byte)type).put((byte)0).putShort((short)0)
                .putLong(frames).putLong(0);
            stream.position(stream.position() + body);
            frames++;
        }
        stream.putInt(RpcFrame.GOODBYE_MESSAGE_OFFSET - 4).put((byte)RpcFrame.GOODBYE).put((byte)0).putShort((short)0)
            .putLong(0).putLong(0).putShort((short)0).putShort((short)0);
        frames++;
        final int end = stream.position();

        for (int seed = 0; seed < 50; seed++)
        {
            final RpcFrameScanner scanner = new RpcFrameScanner(1024);
            final Random cuts = new Random(seed);
            int at = 0;
            while (at < end)
            {
                final int piece = Math.min(end - at, 1 + cuts.nextInt(40));
                assertEquals(piece, scanner.scan(stream, at, piece), scanner.error());
                at += piece;
            }
            assertEquals(frames, scanner.frames());
            assertTrue(scanner.atFrameBoundary());
            assertTrue(scanner.goodbyeComplete());
            assertEquals(0, scanner.scan(stream, 0, 8), "bytes after GOODBYE");
            assertNotNull(scanner.error());
        }
    }

    @Test
    void scannerStopsAtTheBadFrame()
    {
        final ByteBuffer stream = ByteBuffer.allocate(128);
        stream.putInt(RpcFrame.MIN_LENGTH_FIELD).put((byte)RpcFrame.PING).put((byte)0).putShort((short)0).putLong(1).putLong(0);
        final int bad = stream.position();
        stream.putInt(RpcFrame.MIN_LENGTH_FIELD).put((byte)42).put((byte)0).putShort((short)0).putLong(1).putLong(0);
        final RpcFrameScanner scanner = new RpcFrameScanner(1024);
        assertEquals(bad, scanner.scan(stream, 0, stream.position()));
        assertTrue(scanner.error().contains("unknown frame type 42"), scanner.error());

        final ByteBuffer big = ByteBuffer.allocate(16).putInt(5000).put((byte)RpcFrame.CALL);
        final RpcFrameScanner small = new RpcFrameScanner(1024);
        assertEquals(0, small.scan(big, 0, 8));
        assertTrue(small.error().contains("over the session's maximum"), small.error());

        final ByteBuffer shortCall = ByteBuffer.allocate(16).putInt(RpcFrame.MIN_LENGTH_FIELD).put((byte)RpcFrame.CALL);
        final RpcFrameScanner third = new RpcFrameScanner(1024);
        assertEquals(0, third.scan(shortCall, 0, 8));
        assertTrue(third.error().contains("at least"), third.error());
    }

    @Test
    void helloOptionsKeepTextAndNumbersAndSkipTheRest()
    {
        // {"client": "t", "affinity": "room-1", "pingIntervalMs": 500, "x": [1, {"y": h'00'}], "f": 1.5}
        final byte[] cbor = {
            (byte)0xA5,
            0x66, 'c', 'l', 'i', 'e', 'n', 't', 0x61, 't',
            0x68, 'a', 'f', 'f', 'i', 'n', 'i', 't', 'y', 0x66, 'r', 'o', 'o', 'm', '-', '1',
            0x6E, 'p', 'i', 'n', 'g', 'I', 'n', 't', 'e', 'r', 'v', 'a', 'l', 'M', 's', 0x19, 0x01, (byte)0xF4,
            0x61, 'x', (byte)0x82, 0x01, (byte)0xA1, 0x61, 'y', 0x41, 0x00,
            0x61, 'f', (byte)0xF9, 0x3E, 0x00};
        final java.util.Map<String, Object> options = HelloOptions.parse(cbor);
        assertEquals("t", options.get("client"));
        assertEquals("room-1", options.get(HelloOptions.AFFINITY));
        assertEquals(500L, options.get("pingIntervalMs"));
        assertEquals(3, options.size());
        assertTrue(HelloOptions.parse(new byte[] {(byte)0xA0}).isEmpty());
        assertThrows(RpcHandshake.MalformedHandshakeException.class, () -> HelloOptions.parse(new byte[] {(byte)0x81, 0x01}));
        assertThrows(RpcHandshake.MalformedHandshakeException.class, () -> HelloOptions.parse(new byte[] {(byte)0xA1, 0x61}));
        assertThrows(RpcHandshake.MalformedHandshakeException.class,
            () -> HelloOptions.parse(new byte[] {(byte)0xBF, (byte)0xFF}));
        final byte[] deep = new byte[40];
        java.util.Arrays.fill(deep, (byte)0x81);
        deep[0] = (byte)0xA1;
        deep[1] = 0x61;
        deep[2] = 'k';
        assertThrows(RpcHandshake.MalformedHandshakeException.class, () -> HelloOptions.parse(deep));
    }
}
