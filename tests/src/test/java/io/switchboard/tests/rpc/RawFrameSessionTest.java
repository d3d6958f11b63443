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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.switchboard.tests.rpc.RawFrames.call;
import static io.switchboard.tests.rpc.RawFrames.connect;
import static io.switchboard.tests.rpc.RawFrames.frame;
import static io.switchboard.tests.rpc.RawFrames.goodbyeMessage;
import static io.switchboard.tests.rpc.RawFrames.hello;
import static io.switchboard.tests.rpc.RawFrames.lookup;
import static io.switchboard.tests.rpc.RawFrames.readFrame;
import static io.switchboard.tests.rpc.RawFrames.readUnsigned;
import static io.switchboard.tests.rpc.RawFrames.readWelcome;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A distributed session driven with bytes built from {@code docs/rpc-protocol.md}
 * alone: no Switchboard class on the client side, CBOR written and read by hand.
 * If the document and the implementation disagree, this fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawFrameSessionTest
{
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
    void lookupCallPingAndGoodbyeOnTheRpcPort() throws IOException
    {
        session(instance.rpcPort());
    }

    @Test
    void theHttpPortTellsASessionByItsFirstByte() throws IOException
    {
        session(instance.port());
    }

    @Test
    void anUnknownApplicationIsRefusedWithStatus2() throws IOException
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            socket.getOutputStream().write(hello("no-such-app"));
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final Welcome welcome = readWelcome(in);
            assertEquals(2, welcome.status());
            assertTrue(welcome.message().contains("no-such-app"), welcome.message());
            assertEquals(-1, in.read(), "the CM closes after a refusal");
        }
    }

    @Test
    void aFrameOfUnknownTypeEndsOnlyThatSessionWithGoodbye7() throws IOException
    {
        try (Socket bad = connect(instance.rpcPort()); Socket good = connect(instance.rpcPort()))
        {
            bad.getOutputStream().write(hello("demo"));
            final DataInputStream badIn = new DataInputStream(bad.getInputStream());
            assertEquals(0, readWelcome(badIn).status());
            good.getOutputStream().write(hello("demo"));
            final DataInputStream goodIn = new DataInputStream(good.getInputStream());
            assertEquals(0, readWelcome(goodIn).status());

            bad.getOutputStream().write(frame(42, 1, 0, new byte[0]));
            final Frame goodbye = readFrame(badIn);
            assertEquals(8, goodbye.type(), "GOODBYE");
            assertEquals(7, ByteBuffer.wrap(goodbye.body()).getShort() & 0xFFFF, "protocol error");
            final String why = goodbyeMessage(goodbye);
            assertTrue(why.contains("42"), why);
            assertEquals(-1, badIn.read(), "the CM closes after GOODBYE");

            // the other session goes on
            final long echo = lookup(good.getOutputStream(), goodIn, 1, "echo");
            good.getOutputStream().write(call(2, echo, "echo", new byte[] {(byte)0x81, 0x41, 0x2A}));
            final Frame result = readFrame(goodIn);
            assertEquals(2, result.type());
            assertArrayEquals(new byte[] {0x41, 0x2A}, result.body());
        }
    }

    @Test
    void anOversizedFrameIsAProtocolError() throws IOException
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            socket.getOutputStream().write(hello("demo"));
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final Welcome welcome = readWelcome(in);
            final ByteBuffer header = ByteBuffer.allocate(24).putInt(welcome.maxFrameLength()).put((byte)1);
            socket.getOutputStream().write(header.array());
            final Frame goodbye = readFrame(in);
            assertEquals(8, goodbye.type());
            assertEquals(7, ByteBuffer.wrap(goodbye.body()).getShort() & 0xFFFF);
            assertEquals(-1, in.read());
        }
    }

    private static void session(final int port) throws IOException
    {
        try (Socket socket = connect(port))
        {
            final OutputStream out = socket.getOutputStream();
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(hello("demo"));
            final Welcome welcome = readWelcome(in);
            assertEquals(0, welcome.status(), welcome.message());
            assertEquals(1, welcome.version());
            assertTrue(welcome.maxFrameLength() >= 1024, "max frame " + welcome.maxFrameLength());
            assertTrue(welcome.maxCalls() >= 1, "max calls " + welcome.maxCalls());

            final long counter = lookup(out, in, 1, "counter");
            final long other = lookup(out, in, 2, "counter");
            assertTrue(counter != 0 && other != 0 && counter != other, counter + " " + other);

            // increment() on the first counter twice, on the second once: separate state
            for (int i = 1; i <= 2; i++)
            {
                out.write(call(10 + i, counter, "increment", new byte[] {(byte)0x80}));
                final Frame result = readFrame(in);
                assertEquals(2, result.type(), "RESULT");
                assertEquals(10 + i, result.callId());
                assertEquals(i, readUnsigned(ByteBuffer.wrap(result.body())));
            }
            out.write(call(13, other, "increment", new byte[] {(byte)0x80}));
            assertEquals(1, readUnsigned(ByteBuffer.wrap(readFrame(in).body())));

            // echo of a byte string: 0x81 = array of 1, 0x44 = bytes of 4
            final long echo = lookup(out, in, 3, "echo");
            out.write(call(20, echo, "echo", new byte[] {(byte)0x81, 0x44, 1, 2, 3, 4}));
            final Frame echoed = readFrame(in);
            assertEquals(2, echoed.type());
            assertEquals(20, echoed.callId());
            assertArrayEquals(new byte[] {0x44, 1, 2, 3, 4}, echoed.body());

            // a method the object does not have: ERROR 3
            out.write(call(21, echo, "nope", new byte[] {(byte)0x80}));
            final Frame error = readFrame(in);
            assertEquals(3, error.type(), "ERROR");
            assertEquals(21, error.callId());
            assertEquals(3, ByteBuffer.wrap(error.body()).getShort() & 0xFFFF, "NO_SUCH_METHOD");

            // a call to an object that does not exist: ERROR 2
            out.write(call(22, 999_999, "get", new byte[] {(byte)0x80}));
            final Frame missing = readFrame(in);
            assertEquals(3, missing.type());
            assertEquals(2, ByteBuffer.wrap(missing.body()).getShort() & 0xFFFF, "NO_SUCH_OBJECT");

            out.write(frame(6, 77, 0, new byte[0]));
            final Frame pong = readFrame(in);
            assertEquals(7, pong.type(), "PONG");
            assertEquals(77, pong.callId());

            // RELEASE, then a call to the released object: ERROR 2
            out.write(frame(5, 0, other, new byte[0]));
            out.write(call(23, other, "get", new byte[] {(byte)0x80}));
            final Frame released = readFrame(in);
            assertEquals(3, released.type());
            assertEquals(2, ByteBuffer.wrap(released.body()).getShort() & 0xFFFF);

            out.write(frame(8, 0, 0, new byte[] {0, 0, 0, 0}));
            socket.shutdownOutput();
            assertEquals(-1, in.read(), "the CM closes after the client's GOODBYE");
        }
    }

    @Test
    void aTruncatedHelloAndAClosedSocketLeaveNothingBehind() throws Exception
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            socket.getOutputStream().write(Arrays.copyOf(hello("demo"), 7));
        }
        try (Socket socket = connect(instance.rpcPort()))
        {
            // a bad magic: WELCOME 5, then the CM closes
            socket.getOutputStream().write(new byte[] {(byte)0xC5, 'S', 'B', 'X', 0, 1, 0, 0, 0, 1, 'a', 0, 0, 0, 0});
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(5, readWelcome(in).status(), "malformed HELLO");
            assertEquals(-1, in.read());
        }
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (instance.channelsInUse() != 0 && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(20);
        }
        assertEquals(0, instance.channelsInUse());
    }
}
