package io.switchboard.cm.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * A connection's hold on a {@link HttpWorkspace}, and the reading of its socket into one: taken when bytes
 * arrive, given back when nothing is left unread or unsent. While every workspace of the thread is taken,
 * the socket is not read, and the pool says when to try again.
 * <p>
 * Not thread-safe: belongs to one connection, on its {@link IoThread}.
 */
final class WorkspaceLease implements WorkspacePool.Waiter
{
    private static final byte[] UNSERVED = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n" +
        "Content-Length: 20\r\nConnection: close\r\n\r\nServer overloaded.\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final WorkspacePool pool;
    private final ClientSocket client;
    private HttpWorkspace workspace;
    private boolean awaiting;
    private boolean closed;
    private boolean inputClosed;

    WorkspaceLease(final WorkspacePool pool, final ClientSocket client)
    {
        this.pool = pool;
        this.client = client;
    }

    /**
     * @return the workspace held, or null.
     */
    HttpWorkspace workspace()
    {
        return workspace;
    }

    /**
     * @return whether the client has closed its side (end of stream read).
     */
    boolean inputClosed()
    {
        return inputClosed;
    }

    void inputClosed(final boolean closed)
    {
        inputClosed = closed;
    }

    /**
     * @return whether a workspace is held now; if not, the socket is not read until the pool has one.
     */
    boolean take()
    {
        if (workspace != null)
        {
            return true;
        }
        if (!awaiting)
        {
            workspace = pool.acquire(this);
            awaiting = workspace == null;
        }
        if (workspace == null)
        {
            client.interest(SelectionKey.OP_READ, false);
            return false;
        }
        return true;
    }

    public void onWorkspaceAvailable(final HttpWorkspace handed)
    {
        awaiting = false;
        workspace = handed;
        if (closed)
        {
            release();
            return;
        }
        client.interest(SelectionKey.OP_READ, true);
    }

    /**
     * @return whether the connection waits for a workspace: bytes came, and every workspace is taken.
     */
    boolean isAwaiting()
    {
        return awaiting;
    }

    /**
     * A connection that waited for a workspace longer than a request may wait is told 503, straight from a
     * constant (it has no buffer), before it closes: it is refused, not dropped without a word.
     */
    void refuseUnserved()
    {
        client.writeOnce(ByteBuffer.wrap(UNSERVED));
    }

    /**
     * Gives the workspace back if nothing is left in it: an idle connection holds no buffers.
     */
    void releaseIfIdle()
    {
        if (workspace != null && workspace.isIdle())
        {
            release();
        }
    }

    void release()
    {
        if (workspace != null)
        {
            final HttpWorkspace held = workspace;
            workspace = null;
            pool.release(held);
        }
    }

    /**
     * Reads what the socket has into the workspace's read buffer.
     *
     * @return bytes read, -1 at end of stream.
     */
    int fill() throws IOException
    {
        final int n = client.fill(workspace.in);
        if (n < 0)
        {
            inputClosed = true;
        }
        return n;
    }

    /**
     * Reads what the client sends ahead while a response is unsent, into the read buffer until it is full,
     * then stops reading: a client that pipelines faster than it reads is not read from. An end of stream
     * here is a half-close: what was sent ahead is still answered, then the connection closes.
     */
    void holdReadAhead() throws IOException
    {
        final ByteBuffer in = workspace.in;
        if (inputClosed || (in.limit() == in.capacity() && in.position() == 0) || fill() < 0)
        {
            client.interest(SelectionKey.OP_READ, false);
        }
    }

    void close()
    {
        closed = true;
        if (awaiting)
        {
            awaiting = false;
            pool.forget(this);
        }
        release();
    }
}
