package io.switchboard.client;

import io.switchboard.protocol.rpc.HelloOptions;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcHandshake;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CM reduced to a socket for keepalive tests: one session's handshake, then it reads the client's frames, counting
 * the PINGs, and answers them with PONGs or not at all. It answers nothing else.
 */
final class FakeCm implements AutoCloseable
{
    private final ServerSocket listener;
    private final boolean answerPings;
    final AtomicInteger pings = new AtomicInteger();
    /** Opens at the third PING. */
    final CountDownLatch threePings = new CountDownLatch(3);
    final CountDownLatch helloRead = new CountDownLatch(1);
    volatile Map<String, Object> helloOptions;
    private volatile Socket socket;

    FakeCm(final boolean answerPings) throws IOException
    {
        this.answerPings = answerPings;
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        TestThreads.daemon("fake-cm", this::serve);
    }

    int port()
    {
        return listener.getLocalPort();
    }

    private void serve()
    {
        try (Socket accepted = listener.accept())
        {
            socket = accepted;
            final DataInputStream in = new DataInputStream(accepted.getInputStream());
            final OutputStream out = accepted.getOutputStream();
            final ByteBuffer hello = ByteBuffer.allocate(RpcHandshake.MAX_HELLO_LENGTH);
            RpcHandshake.Hello read = null;
            while (read == null)
            {
                hello.put((byte)in.readUnsignedByte());
                hello.flip();
                read = RpcHandshake.readHello(hello);
                hello.position(hello.limit()).limit(hello.capacity());
            }
            helloOptions = HelloOptions.parse(read.options());
            helloRead.countDown();
            final ByteBuffer welcome = ByteBuffer.allocate(RpcHandshake.WELCOME_FIXED_LENGTH + 16);
            RpcHandshake.writeWelcome(welcome, RpcHandshake.STATUS_OK, 1 << 20, 16, 7, "welcome");
            out.write(welcome.array(), 0, welcome.position());
            while (true)
            {
                final int lengthField = in.readInt();
                final byte[] frame = ByteBuffer.allocate(4 + lengthField).putInt(lengthField).array();
                in.readFully(frame, 4, lengthField);
                if (frame[RpcFrame.TYPE_OFFSET] == RpcFrame.PING)
                {
                    pings.incrementAndGet();
                    threePings.countDown();
                    if (answerPings)
                    {
                        frame[RpcFrame.TYPE_OFFSET] = RpcFrame.PONG;
                        out.write(frame);
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            // the client went, or the test is over
        }
    }

    @Override
    public void close() throws IOException
    {
        listener.close();
        final Socket accepted = socket;
        if (accepted != null)
        {
            accepted.close();
        }
    }
}
