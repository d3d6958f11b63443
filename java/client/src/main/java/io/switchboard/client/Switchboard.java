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
import java.util.ArrayList;
import java.util.List;
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
     * Opens a session with a worker of {@code application} at the first of {@code addresses} that takes it, with
     * {@link ClientOptions#defaults()}.
     *
     * @see #connect(List, String, ClientOptions)
     */
    public static Session connect(final List<InetSocketAddress> addresses, final String application)
    {
        return connect(addresses, application, ClientOptions.defaults());
    }

    /**
     * Opens a session with a worker of {@code application} at the first of {@code addresses} that takes it, trying
     * them in the order given: instances of one cluster, or balancers in front of them. The next is tried when a
     * connect is refused, fails or times out ({@link ClientOptions#connectTimeout()}), when the handshake fails,
     * and when the CM refuses the session for a reason another instance may not have (no worker free, shutting
     * down, too many sessions); not when it does not know the application or the protocol version, which every
     * instance of a cluster would answer alike. A caller that wants its sessions spread shuffles the list.
     *
     * @throws SessionRefusedException the last refusal, when no address took the session and the last one refused it
     * (the failures of the others suppressed in it).
     * @throws UncheckedIOException when no address took the session; its message names each with what it answered.
     * @throws IllegalArgumentException when the list is empty.
     */
    public static Session connect(final List<InetSocketAddress> addresses, final String application,
        final ClientOptions options)
    {
        if (addresses.isEmpty())
        {
            throw new IllegalArgumentException("no address to open a session for application '" + application + "' at");
        }
        final List<RuntimeException> failures = new ArrayList<>();
        for (final InetSocketAddress address : addresses)
        {
            try
            {
                return connect(address.getHostString(), address.getPort(), application, options);
            }
            catch (final SessionRefusedException ex)
            {
                if (!isWorthAnotherInstance(ex.status()))
                {
                    failures.forEach(ex::addSuppressed);
                    throw ex;
                }
                LOG.info("{}; trying the next address", ex.getMessage());
                failures.add(ex);
            }
            catch (final UncheckedIOException ex)
            {
                LOG.info("{}; trying the next address", ex.getMessage());
                failures.add(ex);
            }
        }
        final StringBuilder each = new StringBuilder();
        for (final RuntimeException failure : failures)
        {
            each.append("\n  ").append(failure.getMessage());
        }
        final RuntimeException last = failures.get(failures.size() - 1);
        final RuntimeException all = last instanceof SessionRefusedException ? last :
            new UncheckedIOException("no address of " + addresses.size() + " opened a session for application '" +
                application + "':" + each, new IOException(each.toString().trim()));
        for (final RuntimeException failure : failures)
        {
            if (failure != all)
            {
                all.addSuppressed(failure);
            }
        }
        throw all;
    }

    private static boolean isWorthAnotherInstance(final int status)
    {
        return status == RpcHandshake.STATUS_NO_WORKER || status == RpcHandshake.STATUS_SHUTTING_DOWN ||
            status == RpcHandshake.STATUS_TOO_MANY_SESSIONS;
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
