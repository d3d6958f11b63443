package io.switchboard.bench.ipc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The socket baselines the shared-memory transport replaces: loopback TCP
 * (what a CM and a worker would use without Switchboard) and a Unix domain
 * socket (the cheapest kernel path between two processes, and a reader that
 * sleeps in the kernel like a parked worker).
 */
public enum SocketTransport
{
    TCP,
    UDS;

    /**
     * Binds a listening socket: an ephemeral loopback port, or {@code socketFile}.
     */
    ServerSocketChannel listen(final Path socketFile) throws IOException
    {
        return switch (this)
        {
            case TCP -> ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            case UDS -> ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socketFile));
        };
    }

    /**
     * @return the address a peer connects to, as one command-line argument.
     */
    String addressArgument(final ServerSocketChannel server) throws IOException
    {
        final SocketAddress address = server.getLocalAddress();
        return switch (this)
        {
            case TCP -> Integer.toString(((InetSocketAddress)address).getPort());
            case UDS -> ((UnixDomainSocketAddress)address).getPath().toString();
        };
    }

    /**
     * Connects to the address {@link #addressArgument} gave, blocking, TCP_NODELAY for TCP.
     */
    SocketChannel connect(final String addressArgument) throws IOException
    {
        final SocketChannel socket = switch (this)
        {
            case TCP -> SocketChannel.open(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(addressArgument)));
            case UDS -> SocketChannel.open(UnixDomainSocketAddress.of(addressArgument));
        };
        configure(socket);
        return socket;
    }

    /**
     * Blocking mode; TCP_NODELAY for TCP, so that a 64-byte write leaves at once.
     */
    void configure(final SocketChannel socket) throws IOException
    {
        socket.configureBlocking(true);
        if (this == TCP)
        {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }
}
