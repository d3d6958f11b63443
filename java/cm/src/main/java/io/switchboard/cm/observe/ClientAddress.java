package io.switchboard.cm.observe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A connection's peer address as bytes (4 for IPv4, 16 for IPv6) and port, read from its socket once per
 * connection, so that every request event can copy it without asking the socket (which allocates) again.
 * <p>
 * Not thread-safe: made and read by the connection's thread.
 */
public final class ClientAddress
{
    private final byte[] address;
    private final int port;

    private ClientAddress(final byte[] address, final int port)
    {
        this.address = address;
        this.port = port;
    }

    /**
     * @return the socket's peer; an empty address (logged as {@code -}) when the socket cannot tell.
     */
    public static ClientAddress of(final SocketChannel socket)
    {
        try
        {
            if (socket.getRemoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null)
            {
                return new ClientAddress(peer.getAddress().getAddress(), peer.getPort());
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // closed already: the event says "-"
        }
        return new ClientAddress(new byte[0], 0);
    }

    /**
     * Copies the address into the event.
     */
    public void copyInto(final RequestEvent event)
    {
        event.clientAddress(address, address.length, port);
    }
}
