package io.switchboard.bench.rpc;

import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;

/**
 * A JVM serving {@link EchoRmi} over Java RMI on loopback: a registry on a free
 * port, the object exported on another. Prints {@code PORT <registry port>} when
 * ready and lives until its standard input closes (the suite that started it
 * closes it, or dies).
 */
public final class RmiEchoServer implements EchoRmi
{
    public static final String NAME = "echo";

    public byte[] echo(final byte[] data)
    {
        return data;
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        final RmiEchoServer server = new RmiEchoServer();
        final EchoRmi stub = (EchoRmi)UnicastRemoteObject.exportObject(server, 0);
        final int port = freePort();
        final Registry registry = LocateRegistry.createRegistry(port);
        registry.rebind(NAME, stub);
        System.out.println("PORT " + port);
        System.out.flush();
        while (System.in.read() >= 0)
        {
            // wait for the parent to close our input
        }
        UnicastRemoteObject.unexportObject(server, true);
        System.exit(0);
    }

    private static int freePort() throws java.io.IOException
    {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
