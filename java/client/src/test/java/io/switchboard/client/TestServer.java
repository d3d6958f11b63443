package io.switchboard.client;

import io.switchboard.protocol.rpc.RpcHandshake;
import io.switchboard.rpc.DeployedServices;
import io.switchboard.rpc.FrameSink;
import io.switchboard.rpc.RpcSession;
import io.switchboard.rpc.stream.FrameAssembler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the CM and a worker in one: accepts connections, does the handshake, and runs a worker-side
 * session over the socket. A test fixture, not the CM relay.
 */
final class TestServer implements AutoCloseable
{
    private final ServerSocket server;
    private final DeployedServices services;
    private final AtomicLong sessionIds = new AtomicLong(100);
    final List<RpcSession> sessions = new CopyOnWriteArrayList<>();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    volatile int refuseWithStatus = RpcHandshake.STATUS_OK;
    volatile String lastApplication;
    volatile int maxFrameLength = 1 << 20;
    volatile int maxCallsInFlight = 256;

    TestServer(final DeployedServices services) throws IOException
    {
        this.services = services;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TestThreads.daemon("test-server-accept", this::acceptLoop);
    }

    int port()
    {
        return server.getLocalPort();
    }

    private void acceptLoop()
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                TestThreads.daemon("test-server-session", () -> serve(socket));
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void serve(final Socket socket)
    {
        try (socket)
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final ByteBuffer received = ByteBuffer.allocate(RpcHandshake.MAX_HELLO_LENGTH);
            RpcHandshake.Hello hello = null;
            while (hello == null)
            {
                final int read = in.read(received.array(), received.position(), received.remaining());
                if (read < 0)
                {
                    return;
                }
                received.position(received.position() + read);
                received.flip();
                hello = RpcHandshake.readHello(received);
                received.compact();
            }
            lastApplication = hello.application();
            final long sessionId = sessionIds.incrementAndGet();
            final ByteBuffer welcome = ByteBuffer.allocate(RpcHandshake.WELCOME_FIXED_LENGTH + 200);
            final int status = !hello.application().equals(services.application()) ?
                RpcHandshake.STATUS_UNKNOWN_APPLICATION : refuseWithStatus;
            RpcHandshake.writeWelcome(welcome, status, maxFrameLength, maxCallsInFlight, sessionId,
                status == RpcHandshake.STATUS_OK ? "welcome" : "no application '" + hello.application() + "' here");
            out.write(welcome.array(), 0, welcome.position());
            if (status != RpcHandshake.STATUS_OK)
            {
                return;
            }
            final RpcSession session = RpcSession.builder(new SocketSink(socket, out))
                .services(services)
                .limits(maxFrameLength, maxCallsInFlight)
                .sessionId(sessionId)
                .name("test-server session " + sessionId)
                .build();
            sessions.add(session);
            final FrameAssembler assembler = new FrameAssembler(maxFrameLength, session);
            received.flip();
            if (received.hasRemaining())
            {
                assembler.onBytes(received.array(), received.position(), received.remaining());
            }
            final byte[] buffer = new byte[8192];
            while (true)
            {
                final int read = in.read(buffer);
                if (read < 0)
                {
                    session.onTransportClosed(new java.io.EOFException("client closed"));
                    return;
                }
                assembler.onBytes(buffer, 0, read);
            }
        }
        catch (final IOException ex)
        {
            sessions.forEach(s -> s.onTransportClosed(ex));
        }
    }

    /**
     * Drops every connection without a word, as a dying CM would.
     */
    void dropConnections() throws IOException
    {
        for (final Socket socket : sockets)
        {
            try
            {
                socket.setSoLinger(true, 0);
            }
            catch (final java.net.SocketException ex)
            {
                // its session closed it between the look and the option: nothing to drop
            }
            socket.close();
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        dropConnections();
    }

    private static final class SocketSink implements FrameSink
    {
        private final Socket socket;
        private final OutputStream out;

        SocketSink(final Socket socket, final OutputStream out)
        {
            this.socket = socket;
            this.out = out;
        }

        @Override
        public synchronized void send(final byte[] buffer, final int offset, final int length)
        {
            try
            {
                out.write(buffer, offset, length);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void close()
        {
            try
            {
                socket.shutdownOutput();
            }
            catch (final IOException ignore)
            {
                // the client went first
            }
        }
    }
}
