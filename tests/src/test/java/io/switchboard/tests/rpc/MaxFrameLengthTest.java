package io.switchboard.tests.rpc;

import io.switchboard.tests.http.Instance;
import io.switchboard.tests.rpc.RawFrames.Frame;
import io.switchboard.tests.rpc.RawFrames.Welcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static io.switchboard.tests.rpc.RawFrames.blobCall;
import static io.switchboard.tests.rpc.RawFrames.connect;
import static io.switchboard.tests.rpc.RawFrames.errorCode;
import static io.switchboard.tests.rpc.RawFrames.errorMessage;
import static io.switchboard.tests.rpc.RawFrames.frame;
import static io.switchboard.tests.rpc.RawFrames.goodbyeMessage;
import static io.switchboard.tests.rpc.RawFrames.hello;
import static io.switchboard.tests.rpc.RawFrames.lookup;
import static io.switchboard.tests.rpc.RawFrames.readFrame;
import static io.switchboard.tests.rpc.RawFrames.readWelcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session's max frame length is the smaller of the client's HELLO option {@code maxFrameLength} and the CM's
 * (docs/rpc-protocol.md, sections 2.1 and 2.2): the WELCOME says it, the worker sends nothing longer (an answer
 * that would be gets ERROR 7 instead), and the CM holds the client to it. Raw frames, a real CM and workers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MaxFrameLengthTest
{
    private static final int CLIENT_MAX_FRAME = 65_536;
    /** The CM's default (--rpc-max-frame). */
    private static final int CM_MAX_FRAME = 16 << 20;
    /** A RESULT of blob.bytes(n), n below 65,536: the 24-byte header, the CBOR head 0x59 with a u16 length, n bytes. */
    private static final int RESULT_OVERHEAD = 24 + 3;

    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance();
    }

    @AfterAll
    static void stop()
    {
        instance.close();
    }

    @Test
    void theWorkerSendsNothingLongerThanTheClientAskedFor() throws IOException
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            final OutputStream out = socket.getOutputStream();
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(hello("test", CLIENT_MAX_FRAME));
            final Welcome welcome = readWelcome(in);
            assertEquals(0, welcome.status(), welcome.message());
            assertEquals(CLIENT_MAX_FRAME, welcome.maxFrameLength(), "the smaller of the client's and the CM's");
            final long blob = lookup(out, in, 1, "blob");

            // 100 KB: once sent whole, past what the client said it takes
            out.write(blobCall(2, blob, 100_000, 1));
            final Frame tooLong = readFrame(in);
            assertEquals(3, tooLong.type(), "ERROR instead of the RESULT");
            assertEquals(2, tooLong.callId());
            assertEquals(7, errorCode(tooLong), "LIMIT_EXCEEDED");
            final String why = errorMessage(tooLong);
            assertTrue(why.contains("max frame length of " + CLIENT_MAX_FRAME), why);

            // the largest RESULT the session allows is sent; one byte more is not
            out.write(blobCall(3, blob, CLIENT_MAX_FRAME - RESULT_OVERHEAD, 2));
            final Frame largest = readFrame(in);
            assertEquals(2, largest.type(), "RESULT");
            assertEquals(CLIENT_MAX_FRAME, 24 + largest.body().length, "the whole frame");
            final ByteBuffer value = ByteBuffer.wrap(largest.body());
            assertEquals(0x59, value.get() & 0xFF, "a byte string with a 2-byte length");
            assertEquals(CLIENT_MAX_FRAME - RESULT_OVERHEAD, value.getShort() & 0xFFFF);
            for (int i = 0; value.hasRemaining(); i++)
            {
                assertEquals(TestServices.patternByte(i, 2), value.get(), "byte " + i);
            }
            out.write(blobCall(4, blob, CLIENT_MAX_FRAME - RESULT_OVERHEAD + 1, 3));
            final Frame oneOver = readFrame(in);
            assertEquals(3, oneOver.type());
            assertEquals(7, errorCode(oneOver));

            // the session goes on
            out.write(frame(6, 77, 0, new byte[0]));
            final Frame pong = readFrame(in);
            assertEquals(7, pong.type(), "PONG");
            assertEquals(77, pong.callId());
        }
    }

    @Test
    void theCmHoldsTheClientToTheNegotiatedLength() throws IOException
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            final OutputStream out = socket.getOutputStream();
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(hello("test", CLIENT_MAX_FRAME));
            assertEquals(CLIENT_MAX_FRAME, readWelcome(in).maxFrameLength());

            // a PING header whose length field makes the frame one byte longer than negotiated (the CM's is far above)
            out.write(ByteBuffer.allocate(24).putInt(CLIENT_MAX_FRAME - 4 + 1).put((byte)6).array());
            final Frame goodbye = readFrame(in);
            assertEquals(8, goodbye.type(), "GOODBYE");
            assertEquals(7, ByteBuffer.wrap(goodbye.body()).getShort() & 0xFFFF, "protocol error");
            final String why = goodbyeMessage(goodbye);
            assertTrue(why.contains("maximum of " + CLIENT_MAX_FRAME), why);
            assertEquals(-1, in.read(), "the CM closes after GOODBYE");
        }
    }

    @Test
    void aClientAskingForMoreThanTheCmAllowsGetsTheCmsLength() throws IOException
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            socket.getOutputStream().write(hello("test", 4L * CM_MAX_FRAME));
            final Welcome welcome = readWelcome(new DataInputStream(socket.getInputStream()));
            assertEquals(0, welcome.status(), welcome.message());
            assertEquals(CM_MAX_FRAME, welcome.maxFrameLength());
        }
    }

    @Test
    void aLengthTooSmallForAnyAnswerIsAMalformedHello() throws IOException
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            socket.getOutputStream().write(hello("test", 100));
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final Welcome welcome = readWelcome(in);
            assertEquals(5, welcome.status(), "malformed HELLO");
            assertTrue(welcome.message().contains("maxFrameLength=100"), welcome.message());
            assertEquals(-1, in.read(), "the CM closes after a refusal");
        }
    }
}
