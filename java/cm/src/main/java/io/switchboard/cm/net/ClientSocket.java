package io.switchboard.cm.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A client's non-blocking socket and its selection key, with what every kind of
 * connection does with them: read into a buffer kept flipped for reading, write
 * out a buffer kept ready for filling, ask the selector for readiness, close.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class ClientSocket
{
    private final SocketChannel channel;
    private final SelectionKey key;
    /** Bytes written to the socket since the connection began (for the request events). */
    private long written;

    ClientSocket(final SocketChannel channel, final SelectionKey key)
    {
        this.channel = channel;
        this.key = key;
    }

    /**
     * Reads what the socket has after the unread bytes of {@code in}, which is flipped (ready for reading)
     * before and after.
     *
     * @return bytes read, -1 at end of stream.
     */
    int fill(final ByteBuffer in) throws IOException
    {
        in.compact();
        try
        {
            return channel.read(in);
        }
        finally
        {
            in.flip();
        }
    }

    /**
     * While a connection waits (for a worker, or for its answer), what the client sends ahead is kept in
     * {@code in} (flipped) until it is full; then reading stops until the connection reads again.
     *
     * @return false when the client closed its side: it is gone.
     */
    boolean holdWhileWaiting(final ByteBuffer in) throws IOException
    {
        if (in.limit() < in.capacity() || in.position() > 0)
        {
            return fill(in) >= 0;
        }
        interest(SelectionKey.OP_READ, false);
        return true;
    }

    /**
     * Writes what {@code out} holds (ready for filling before and after); what the socket does not take
     * stays, and the selector is asked to say when it can take more.
     *
     * @return true when everything is written.
     */
    boolean flush(final ByteBuffer out) throws IOException
    {
        if (out.position() == 0)
        {
            return true;
        }
        out.flip();
        try
        {
            written += channel.write(out);
        }
        finally
        {
            out.compact();
        }
        if (out.position() > 0)
        {
            interest(SelectionKey.OP_WRITE, true);
            return false;
        }
        return true;
    }

    /**
     * One non-blocking write and no more, for a last word before a close; what the socket does not take is lost.
     */
    void writeOnce(final ByteBuffer bytes)
    {
        try
        {
            written += channel.write(bytes);
        }
        catch (final IOException ignored)
        {
            // the client is gone: nothing to tell
        }
    }

    /**
     * @return bytes written to the socket since the connection began.
     */
    long written()
    {
        return written;
    }

    void interest(final int op, final boolean on)
    {
        if (!key.isValid())
        {
            return;
        }
        final int ops = key.interestOps();
        final int wanted = on ? ops | op : ops & ~op;
        if (wanted != ops)
        {
            key.interestOps(wanted);
        }
    }

    void close()
    {
        key.cancel();
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // closing: nothing to do about it
        }
    }
}
