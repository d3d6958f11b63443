package io.switchboard.client;

import io.switchboard.rpc.RpcSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session's TCP connection: the writer and the reader, and how it is taken down. Closing it after GOODBYE shuts
 * the output down first and closes the socket when the CM closes its side (or after a grace period), so the GOODBYE
 * is not lost to a reset.
 */
final class SocketConnection
{
    private static final long CLOSE_GRACE_MS = 2_000;

    private final Socket socket;
    private final CoalescingWriter writer;
    private final SocketReader reader;
    private volatile RpcSession session;

    SocketConnection(final Socket socket, final InputStream in, final OutputStream out, final String name)
    {
        this.socket = socket;
        this.writer = new CoalescingWriter(out, this::failed, this::closeGracefully);
        this.reader = new SocketReader(socket, in, writer, this::failed, name);
    }

    CoalescingWriter writer()
    {
        return writer;
    }

    SocketReader reader()
    {
        return reader;
    }

    void attach(final RpcSession rpcSession)
    {
        this.session = rpcSession;
    }

    long[] writeCounters()
    {
        return writer.counters();
    }

    private void failed(final IOException cause)
    {
        final RpcSession rpc = session;
        if (rpc != null)
        {
            rpc.onTransportClosed(cause);
        }
        closeNow();
    }

    private void closeGracefully()
    {
        try
        {
            socket.shutdownOutput();
        }
        catch (final IOException ex)
        {
            closeNow();
            return;
        }
        CompletableFuture.delayedExecutor(CLOSE_GRACE_MS, TimeUnit.MILLISECONDS).execute(this::closeNow);
    }

    void closeNow()
    {
        reader.stop();
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing: nothing left to tell
        }
    }
}
