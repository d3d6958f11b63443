package io.switchboard.client;

import io.switchboard.protocol.rpc.RpcHandshake;
import io.switchboard.rpc.RpcSession;
import io.switchboard.rpc.stream.FrameAssembler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens distributed sessions with a Switchboard CM.
 */
public final class Switchboard
{
    /**
     * Set to {@code false} to have a reader thread deliver every answer (no calling thread reads the socket): for
     * measuring what leader/follower reading saves.
     */
    public static final String LEADER_FOLLOWER_PROPERTY = "switchboard.client.leaderFollower";
    private static final Logger LOG = LoggerFactory.getLogger(Switchboard.class);

    private Switchboard()
    {
    }

    /**
     * Opens a session with a worker of {@code application}, with {@link ClientOptions#defaults()}.
     *
     * @throws SessionRefusedException when the CM answers with a status other than OK.
     * @throws UncheckedIOException when the connection or the handshake fails; the message names the endpoint.
     */
    public static Session connect(final String host, final int port, final String application)
    {
        return connect(host, port, application, ClientOptions.defaults());
    }

    /**
     * Opens a session with a worker of {@code application}.
     *
     * @throws SessionRefusedException when the CM answers with a status other than OK.
     * @throws UncheckedIOException when the connection or the handshake fails; the message names the endpoint.
     */
    public static Session connect(final String host, final int port, final String application,
        final ClientOptions options)
    {
        final String endpoint = host + ":" + port;
        final Socket socket = new Socket();
        try
        {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int)options.connectTimeout().toMillis());
            socket.setSoTimeout((int)options.connectTimeout().toMillis());
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final ByteBuffer leftover = ByteBuffer.allocate(RpcHandshake.WELCOME_FIXED_LENGTH +
                RpcHandshake.MAX_WELCOME_MESSAGE_LENGTH + 64 * 1024);
            final RpcHandshake.Welcome welcome = Handshake.run(in, out, application, options, leftover);
            if (!welcome.isOk())
            {
                socket.close();
                throw new SessionRefusedException(endpoint, application, welcome.status(), welcome.message());
            }
            final String name = "switchboard session " + welcome.sessionId() + " (" + application + "@" + endpoint + ")";
            final SocketConnection connection = new SocketConnection(socket, in, out, name);
            final RpcSession rpc = RpcSession.builder(connection.writer())
                .limits(welcome.maxFrameLength(), welcome.maxCallsInFlight())
                .defaultDeadline(options.defaultDeadline())
                .sessionId(welcome.sessionId())
                .name(name)
                .answerWaiter(Boolean.parseBoolean(System.getProperty(LEADER_FOLLOWER_PROPERTY, "true")) ?
                    connection.readToken() : io.switchboard.rpc.AnswerWaiter.PARKING)
                .errorHandler((what, cause) -> LOG.warn(what, cause))
                .build();
            connection.attach(rpc);
            final FrameAssembler assembler = new FrameAssembler(welcome.maxFrameLength(), rpc);
            if (leftover.hasRemaining())
            {
                assembler.onBytes(leftover.array(), leftover.position(), leftover.remaining());
            }
            connection.start(assembler, options.pingInterval().toNanos());
            return new Session(rpc, connection, application);
        }
        catch (final IOException | RpcHandshake.MalformedHandshakeException ex)
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // already failing
            }
            throw new UncheckedIOException("cannot open a session for application '" + application + "' at " +
                endpoint + ": " + ex.getMessage(),
                ex instanceof IOException io ? io : new IOException(ex.getMessage(), ex));
        }
    }
}
