package io.switchboard.cm.net;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Makes the connections of an {@link IoThread}: registers the sockets the acceptors handed over, as an
 * {@link HttpConnection} or, on the sessions' port, an {@link RpcConnection}; turns an HTTP connection whose
 * first byte opens a session into an {@link RpcConnection}; and closes what was handed over but never
 * adopted when the thread ends. A connection that cannot be made (no memory for one more) is refused and
 * its place under --max-connections given back; the others go on.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class ConnectionAdopter
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdopter.class);

    private final IoThread io;
    private final Selector selector;
    private final IoThreadSettings settings;
    private final IoConnections connections;
    private final IoHandover handover;

    ConnectionAdopter(final IoThread io, final Selector selector, final IoThreadSettings settings,
        final IoConnections connections, final IoHandover handover)
    {
        this.io = io;
        this.selector = selector;
        this.settings = settings;
        this.connections = connections;
        this.handover = handover;
    }

    /**
     * @return sockets adopted (or refused).
     */
    int adoptAccepted()
    {
        int work = 0;
        IoHandover.Accepted next;
        while ((next = handover.nextAccepted()) != null)
        {
            work++;
            final SocketChannel socket = next.socket();
            try
            {
                socket.configureBlocking(false);
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final SelectionKey key = socket.register(selector, SelectionKey.OP_READ);
                final Connection connection = next.protocol() == ListenerProtocol.RPC ?
                    new RpcConnection(io, settings.rpcSettings(), socket, key, settings.buffers(), null) :
                    new HttpConnection(io, socket, key, ClientAddress.of(socket.getRemoteAddress(), settings.trustedProxies()));
                key.attach(connection);
                connections.add(connection);
            }
            catch (final IOException ex)
            {
                closeQuietly(socket);
                settings.connectionLimit().release();
            }
            catch (final Throwable ex)
            {
                // out of memory for one more connection: it is refused, the others go on
                LOG.error("cannot take a new connection; closed it", ex);
                closeQuietly(socket);
                settings.connectionLimit().release();
            }
        }
        return work;
    }

    /**
     * An HTTP connection whose first byte opens a distributed session: the socket
     * becomes an {@link RpcConnection}, with the bytes read so far.
     */
    void switchToRpc(final HttpConnection from, final SocketChannel socket, final SelectionKey key, final ByteBuffer read)
    {
        connections.remove(from);
        final RpcConnection connection = new RpcConnection(io, settings.rpcSettings(), socket, key, settings.buffers(), read);
        key.attach(connection);
        connections.add(connection);
        try
        {
            connection.readHello();
        }
        catch (final IOException ex)
        {
            connection.abandon();
        }
    }

    /**
     * Handed over but never adopted: nobody else would close them.
     */
    void closeUnadopted()
    {
        IoHandover.Accepted pending;
        while ((pending = handover.nextAccepted()) != null)
        {
            closeQuietly(pending.socket());
            settings.connectionLimit().release();
        }
    }

    private static void closeQuietly(final SocketChannel socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // nothing to do
        }
    }
}
