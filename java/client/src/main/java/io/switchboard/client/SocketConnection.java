package io.switchboard.client;

import io.switchboard.rpc.RpcSession;
import io.switchboard.rpc.stream.FrameAssembler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session's TCP connection: its parts wired together (the writer and its hold policy, the reader, the read token
 * and pump, the keepalive), and how it is taken down. Closing it after GOODBYE shuts the output down first and closes
 * the socket when the CM closes its side (or after a grace period), so the GOODBYE is not lost to a reset.
 */
final class SocketConnection
{
    private static final long CLOSE_GRACE_MS = 2_000;

    private final Socket socket;
    private final String name;
    private final CoalescingWriter writer;
    private final SocketReader reader;
    private final ReadPump pump;
    private final ReadToken token;
    private volatile RpcSession session;
    private volatile Keepalive keepalive;

    SocketConnection(final Socket socket, final InputStream in, final OutputStream out, final String name)
    {
        this(socket, in, out, name, ReadPump.LINGER_NS);
    }

    /**
     * @param lingerNs how long the pump keeps away after a synchronous call (tests lengthen it).
     */
    SocketConnection(final Socket socket, final InputStream in, final OutputStream out, final String name,
        final long lingerNs)
    {
        this.socket = socket;
        this.name = name;
        this.writer = new CoalescingWriter(out, this::failed, this::closeGracefully);
        this.reader = new SocketReader(socket, in, writer.holdPolicy(), this::failed);
        this.pump = new ReadPump(reader, name, lingerNs);
        this.token = new ReadToken(reader, writer.holdPolicy(), pump);
    }

    CoalescingWriter writer()
    {
        return writer;
    }

    SocketReader reader()
    {
        return reader;
    }

    /**
     * @return the session's {@link io.switchboard.rpc.AnswerWaiter}: calling threads read for themselves.
     */
    ReadToken readToken()
    {
        return token;
    }

    void attach(final RpcSession rpcSession)
    {
        this.session = rpcSession;
    }

    /**
     * Starts reading, into {@code assembler}, and pinging while quiet.
     *
     * @param pingIntervalNs how long the session may be quiet before a PING; 0 for no keepalive.
     */
    void start(final FrameAssembler assembler, final long pingIntervalNs)
    {
        reader.attach(assembler);
        pump.start(token);
        if (pingIntervalNs > 0)
        {
            final RpcSession rpc = session;
            final Keepalive started = new Keepalive(name, pingIntervalNs, writer::framesSent, reader::readsWithBytes,
                rpc::ping, this::failed, System.nanoTime());
            keepalive = started;
            started.start();
            if (reader.isClosed())
            {
                // the connection failed while the keepalive started: nobody else will stop it
                started.stop();
            }
        }
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
        stopKeepalive();
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
        token.wakeFollowers();
        pump.wake();
        stopKeepalive();
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing: nothing left to tell
        }
    }

    private void stopKeepalive()
    {
        final Keepalive running = keepalive;
        if (running != null)
        {
            running.stop();
        }
    }
}
