package io.switchboard.client;

import io.switchboard.rpc.stream.FrameAssembler;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.function.Consumer;

/**
 * Reads the session's socket, one read at a time, and delivers what it read to the session. Only the holder of the
 * {@link ReadToken} reads: a calling thread leading, or the {@link ReadPump}.
 * <p>
 * While it delivers, the frames sent by the callers it wakes are held back ({@link HoldPolicy#deliveryStarted()});
 * before it sleeps in read, it sees that frames held for woken callers go out, then says that it is in read
 * ({@link #isInRead()}), which tells followers holding frames to see to them themselves.
 */
final class SocketReader
{
    private static final int READ_BUFFER_LENGTH = 64 * 1024;
    private static final VarHandle READS;

    static
    {
        try
        {
            READS = MethodHandles.lookup().findVarHandle(SocketReader.class, "reads", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final HoldPolicy hold;
    private final Consumer<IOException> onFailure;
    private final byte[] readBuffer = new byte[READ_BUFFER_LENGTH];
    /** The socket's SO_TIMEOUT as last set; only the token holder reads or sets it. */
    private int soTimeoutMs = -1;
    private FrameAssembler assembler;
    /** Reads that returned bytes: written by the token holder (opaque: a plain store), read by the keepalive. */
    private long reads;
    /** The token holder is in (or about to enter) a blocking read: it does not look after held frames. */
    private volatile boolean inRead;
    private volatile boolean closed;

    /**
     * @param hold the writer's: frames sent while this reader delivers are held, to be written in one go.
     * @param onFailure told once when the connection fails or the CM closes it.
     */
    SocketReader(final Socket socket, final InputStream in, final HoldPolicy hold,
        final Consumer<IOException> onFailure)
    {
        this.socket = socket;
        this.in = in;
        this.hold = hold;
        this.onFailure = onFailure;
    }

    /**
     * @param assembler what the bytes read are given to; set before anyone reads.
     */
    void attach(final FrameAssembler assembler)
    {
        this.assembler = assembler;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * @return whether the token holder sleeps (or is about to) in a read, where it cannot see to held frames.
     */
    boolean isInRead()
    {
        return inRead;
    }

    /**
     * @return reads that returned bytes so far, from any thread: the keepalive's sign that the peer is alive.
     */
    long readsWithBytes()
    {
        return (long)READS.getOpaque(this);
    }

    /**
     * One read of the socket, its bytes delivered; the caller holds the read token. A read timeout returns quietly
     * (the caller checks its deadline); a failure or the end of the stream closes this reader and is reported.
     *
     * @param timeoutMs 0 for none.
     */
    void readOnce(final int timeoutMs)
    {
        beforeRead();
        try
        {
            if (timeoutMs != soTimeoutMs)
            {
                socket.setSoTimeout(timeoutMs);
                soTimeoutMs = timeoutMs;
            }
            final int read;
            try
            {
                read = in.read(readBuffer, 0, readBuffer.length);
            }
            finally
            {
                inRead = false;
            }
            if (read < 0)
            {
                fail(new EOFException("the CM closed the connection"));
                return;
            }
            READS.setOpaque(this, reads + 1);
            // the callers woken by these answers call again while we deliver: their frames go out together
            hold.deliveryStarted();
            try
            {
                assembler.onBytes(readBuffer, 0, read);
            }
            finally
            {
                hold.deliveryEnded();
            }
        }
        catch (final SocketTimeoutException ex)
        {
            // the leader's deadline: it checks and leaves
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    /**
     * The frames of callers woken by this thread's last delivery are held for the last of them to write together;
     * this thread is about to sleep in read, so it first waits for that (briefly: see {@link HoldPolicy}), and says
     * it is reading, which tells followers holding frames to look after them themselves.
     */
    private void beforeRead()
    {
        while (true)
        {
            hold.awaitRelease();
            inRead = true;
            if (!hold.isHolding())
            {
                return;
            }
            // a frame was held between the wait and the announcement: its sender may not have seen it
            inRead = false;
        }
    }

    private void fail(final IOException cause)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        onFailure.accept(cause);
    }

    /**
     * The connection is being closed by this side: nobody reads once the socket is closed.
     */
    void stop()
    {
        closed = true;
    }
}
