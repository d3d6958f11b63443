package io.switchboard.bench.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Whole-message reads and writes on a blocking socket: a stream socket may
 * return fewer bytes than asked, and a round trip is only over when every byte
 * of the reply is in.
 */
final class SocketIo
{
    private SocketIo()
    {
    }

    /**
     * Reads until {@code buffer} is full.
     *
     * @return false if the peer closed the connection before the first byte.
     * @throws EOFException if it closed the connection in the middle of a message.
     */
    static boolean readFully(final SocketChannel socket, final ByteBuffer buffer) throws IOException
    {
        final int start = buffer.position();
        while (buffer.hasRemaining())
        {
            if (socket.read(buffer) < 0)
            {
                if (buffer.position() == start)
                {
                    return false;
                }
                throw new EOFException("connection closed after " + (buffer.position() - start) + " bytes of a message");
            }
        }

        return true;
    }

    /**
     * Writes everything between {@code buffer}'s position and limit.
     */
    static void writeFully(final SocketChannel socket, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            socket.write(buffer);
        }
    }
}
