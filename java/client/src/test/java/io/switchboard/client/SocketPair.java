package io.switchboard.client;

import io.switchboard.rpc.stream.FrameHandler;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A loopback connection: the session's end as a {@link SocketConnection}, the peer's as a plain socket that sends
 * 24-byte frames whose call id (at offset 8) says which call they answer.
 */
final class SocketPair implements AutoCloseable
{
    final Socket client;
    final Socket server;
    final SocketConnection connection;
    private final ServerSocket listener;

    SocketPair(final long lingerNs) throws IOException
    {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        server = listener.accept();
        connection = new SocketConnection(client, client.getInputStream(), client.getOutputStream(), "test-session",
            lingerNs);
    }

    /**
     * The peer sends these frames, in one write.
     */
    void answer(final long... callIds) throws IOException
    {
        final ByteBuffer frames = ByteBuffer.allocate(24 * callIds.length);
        for (final long callId : callIds)
        {
            frames.put(frame(callId));
        }
        final OutputStream out = server.getOutputStream();
        out.write(frames.array());
        out.flush();
    }

    /**
     * The peer answers every frame it receives with a frame of the same call id, until the socket closes.
     */
    Thread answerEveryCall()
    {
        return TestThreads.daemon("test-peer", () ->
        {
            try
            {
                final DataInputStream in = new DataInputStream(server.getInputStream());
                final byte[] frame = new byte[24];
                while (true)
                {
                    in.readFully(frame);
                    answer(ByteBuffer.wrap(frame, 8, 8).getLong());
                }
            }
            catch (final IOException ignore)
            {
                // the test is over
            }
        });
    }

    static byte[] frame(final long callId)
    {
        return ByteBuffer.allocate(24).putInt(20).put((byte)2).put((byte)0).putShort((short)0).putLong(callId)
            .putLong(0).array();
    }

    /**
     * Completes {@code calls[id]} for each frame delivered; nothing unparks a waiting thread, as the session would:
     * only the read token's hand-offs do.
     */
    static FrameHandler completing(final CompletableFuture<?>[] calls)
    {
        return new FrameHandler()
        {
            @Override
            public void onFrame(final byte[] buffer, final int offset, final int length)
            {
                calls[(int)ByteBuffer.wrap(buffer, offset + 8, 8).getLong()].complete(null);
            }

            @Override
            public void onMalformedStream(final String reason)
            {
                throw new AssertionError(reason);
            }
        };
    }

    static CompletableFuture<?>[] calls(final int count)
    {
        final CompletableFuture<?>[] calls = new CompletableFuture<?>[count + 1];
        for (int i = 0; i < calls.length; i++)
        {
            calls[i] = new CompletableFuture<>();
        }
        return calls;
    }

    /**
     * Waits, yielding, until the condition holds: how a test stages a race (the test's timeout bounds it).
     */
    static void until(final BooleanSupplier condition)
    {
        while (!condition.getAsBoolean())
        {
            Thread.yield();
        }
    }

    @Override
    public void close() throws IOException
    {
        connection.closeNow();
        server.close();
        listener.close();
    }
}
