package io.switchboard.tests.rpc;

import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcGoodbyeCode;
import io.switchboard.protocol.rpc.RpcHandshake;
import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --rpc-idle-timeout-ms}: a session that says nothing is ended with GOODBYE 10 and gives its channel and
 * its place back; one that PINGs (as the client library does) is kept.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcIdleTimeoutTest
{
    private static final int IDLE_TIMEOUT_MS = 600;

    @Test
    void shouldEndASilentSessionWithGoodbye10AndKeepOneThatPings() throws Exception
    {
        try (Instance instance = new Instance("--workers", "1", "--rpc-idle-timeout-ms", String.valueOf(IDLE_TIMEOUT_MS));
             Socket silent = RawFrames.connect(instance.rpcPort());
             Socket pinging = RawFrames.connect(instance.rpcPort()))
        {
            final DataInputStream silentIn = open(silent);
            final DataInputStream pingingIn = open(pinging);

            // the pinging session: a PING every third of the timeout, each answered, for four timeouts
            final long pings = 4L * IDLE_TIMEOUT_MS / (IDLE_TIMEOUT_MS / 3);
            for (long i = 1; i <= pings; i++)
            {
                pinging.getOutputStream().write(RawFrames.frame(RpcFrame.PING, i, 0, new byte[0]));
                final RawFrames.Frame pong = RawFrames.readFrame(pingingIn);
                assertEquals(RpcFrame.PONG, pong.type(), "answer to PING " + i + " after the idle timeout had passed " +
                    "several times: a session that pings is kept");
                Thread.sleep(IDLE_TIMEOUT_MS / 3);
            }

            // the silent one was ended meanwhile (its socket's read timeout bounds the wait)
            final RawFrames.Frame goodbye = RawFrames.readFrame(silentIn);
            assertEquals(RpcFrame.GOODBYE, goodbye.type());
            assertEquals(RpcGoodbyeCode.IDLE_TIMEOUT, ByteBuffer.wrap(goodbye.body()).getShort() & 0xFFFF);
            assertTrue(RawFrames.goodbyeMessage(goodbye).contains("--rpc-idle-timeout-ms"), RawFrames.goodbyeMessage(goodbye));
            assertEquals(-1, silent.getInputStream().read(), "the CM closes the connection after the GOODBYE");
            while (instance.cm().openSessions() > 1)
            {
                Thread.sleep(5);
            }
        }
    }

    private static DataInputStream open(final Socket socket) throws Exception
    {
        socket.getOutputStream().write(RawFrames.hello("demo"));
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        assertEquals(RpcHandshake.STATUS_OK, RawFrames.readWelcome(in).status());
        return in;
    }
}
