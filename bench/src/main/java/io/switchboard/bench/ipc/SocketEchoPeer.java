package io.switchboard.bench.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The peer process of {@link SocketRoundTripBenchmark}: connects to the
 * benchmark and echoes fixed-length messages with blocking reads and writes
 * until the benchmark closes the connection.
 * <p>
 * Arguments: {@code TCP|UDS port|socketFile messageLength}.
 */
public final class SocketEchoPeer
{
    private SocketEchoPeer()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final SocketTransport transport = SocketTransport.valueOf(args[0]);
        final int messageLength = Integer.parseInt(args[2]);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(messageLength);
        long echoed = 0;
        try (SocketChannel socket = transport.connect(args[1]))
        {
            System.out.println("socket echo peer connected: " + transport + " " + args[1]);
            while (true)
            {
                buffer.clear();
                if (!SocketIo.readFully(socket, buffer))
                {
                    break;
                }
                buffer.flip();
                SocketIo.writeFully(socket, buffer);
                echoed++;
            }
        }
        catch (final EOFException ex)
        {
            System.out.println("connection closed inside a message after " + echoed + " echoes");
            return;
        }

        System.out.println("connection closed after " + echoed + " echoes");
    }
}
