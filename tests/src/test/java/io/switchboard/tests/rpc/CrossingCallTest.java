package io.switchboard.tests.rpc;

import io.switchboard.tests.http.Instance;
import io.switchboard.tests.rpc.RawFrames.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.switchboard.tests.rpc.RawFrames.call;
import static io.switchboard.tests.rpc.RawFrames.connect;
import static io.switchboard.tests.rpc.RawFrames.frame;
import static io.switchboard.tests.rpc.RawFrames.hello;
import static io.switchboard.tests.rpc.RawFrames.lookup;
import static io.switchboard.tests.rpc.RawFrames.readFrame;
import static io.switchboard.tests.rpc.RawFrames.readUnsigned;
import static io.switchboard.tests.rpc.RawFrames.readWelcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CALL that crosses the CM's GOODBYE 9 on the wire (docs/rpc-protocol.md 3.3): written by the client after the CM
 * sent the notice and before the client read it. The CM still relays it to the worker, and relays the answer; the
 * session ends when the client says its own GOODBYE. Staged with a raw socket, so that the crossing is exact: the
 * client reads the answer to its last call, waits until the GOODBYE's bytes sit unread in its socket, then calls.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrossingCallTest
{
    @Test
    void aCallThatCrossesTheShutdownNoticeIsAnsweredNotLost(@TempDir final Path dir) throws Exception
    {
        final Path gate = dir.resolve("gate");
        try (Instance instance = new Instance("--workers", "1", "--drain-ms", "120000");
            Socket socket = connect(instance.rpcPort()))
        {
            final OutputStream out = socket.getOutputStream();
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(hello("test"));
            assertEquals(0, readWelcome(in).status());
            final long slow = lookup(out, in, 1, "slow");
            final long probe = lookup(out, in, 2, "probe");
            final long started = sleepsStarted(out, in, 3, probe);

            // a call in flight: the CM does not end the session under it
            out.write(call(4, slow, "awaitFile", textArgument(gate.toString())));
            long callId = 5;
            while (sleepsStarted(out, in, callId++, probe) != started + 1)
            {
                Thread.onSpinWait();
            }
            assertTrue(instance.cm().drain(), "the drain begins");

            // the call answered, nothing awaited: the CM sends GOODBYE 9, which the client leaves unread
            Files.createFile(gate);
            final Frame answered = readFrame(in);
            assertEquals(2, answered.type(), "RESULT of awaitFile");
            assertEquals(4, answered.callId());
            Await.isTrue(() -> available(in) > 0, "the CM's GOODBYE waiting in the client's socket");

            // the crossing call
            out.write(call(100, probe, "pid", new byte[] {(byte)0x80}));

            final Frame notice = readFrame(in);
            assertEquals(8, notice.type(), "GOODBYE");
            assertEquals(9, ByteBuffer.wrap(notice.body()).getShort() & 0xFFFF, "SHUTTING_DOWN");
            final Frame crossed = readFrame(in);
            assertEquals(2, crossed.type(), "the crossing call is answered (RESULT), not lost");
            assertEquals(100, crossed.callId());
            assertTrue(readUnsigned(ByteBuffer.wrap(crossed.body())) > 0, "the worker's pid");

            out.write(frame(8, 0, 0, new byte[] {0, 0, 0, 0}));
            socket.shutdownOutput();
            assertEquals(-1, in.read(), "the CM closes after the client's GOODBYE");
        }
    }

    private static long sleepsStarted(final OutputStream out, final DataInputStream in, final long callId,
        final long probe) throws IOException
    {
        out.write(call(callId, probe, "sleepsStarted", new byte[] {(byte)0x80}));
        final Frame result = readFrame(in);
        assertEquals(2, result.type(), "RESULT of sleepsStarted");
        assertEquals(callId, result.callId());
        return readUnsigned(ByteBuffer.wrap(result.body()));
    }

    /**
     * A CBOR array of one text string.
     */
    private static byte[] textArgument(final String value)
    {
        final byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + text.length).put((byte)0x81).put((byte)0x79).putShort((short)text.length)
            .put(text).array();
    }

    private static int available(final DataInputStream in)
    {
        try
        {
            return in.available();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
