package io.switchboard.worker.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The body of a request as the handler reads it: chunks copied out of the
 * inbound ring by the poller, handed over through a bounded queue. When the
 * queue is full the poller stops reading the channel, the ring fills, and the
 * CM stops reading the client's socket: backpressure end to end. Taking a
 * chunk out of a full queue tells the poller to come back ({@code resume}).
 */
final class RequestBody extends InputStream
{
    static final int CAPACITY_CHUNKS = 16;

    private static final byte[] END = new byte[0];
    private static final byte[] CANCELLED = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(CAPACITY_CHUNKS + 2);
    private final Runnable resume;
    private final byte[] one = new byte[1];
    private byte[] current;
    private int position;
    private boolean ended;
    private volatile boolean cancelled;

    /**
     * @param resume tells the poller that the queue has room again; called
     *               after every chunk taken, so it must be cheap when the poller
     *               did not pause.
     */
    RequestBody(final Runnable resume)
    {
        this.resume = resume;
    }

    /**
     * Poller: how many more chunks it may hand over now.
     */
    int freeChunks()
    {
        return Math.max(0, CAPACITY_CHUNKS - chunks.size());
    }

    /**
     * Poller: a chunk of body bytes (already copied).
     */
    void offer(final byte[] chunk)
    {
        if (!chunks.offer(chunk))
        {
            // the poller reads one frame at a time against freeChunks(): this is a bug, not load
            throw new IllegalStateException("request body queue overflow");
        }
    }

    /**
     * Poller: the body is complete.
     */
    void end()
    {
        chunks.add(END);
    }

    /**
     * Poller: the client is gone.
     */
    void cancel()
    {
        cancelled = true;
        chunks.offer(CANCELLED);
    }

    public int read() throws IOException
    {
        final int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    public int read(final byte[] buffer, final int offset, final int length) throws IOException
    {
        if (length == 0)
        {
            return 0;
        }

        while (current == null || position == current.length)
        {
            if (ended)
            {
                return -1;
            }
            take();
        }

        final int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    public int available()
    {
        return current == null ? 0 : current.length - position;
    }

    private void take() throws IOException
    {
        if (cancelled)
        {
            throw new IOException("request cancelled: the client went away");
        }

        final byte[] chunk;
        try
        {
            chunk = chunks.take();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the request body");
        }

        // cheap unless the poller paused this channel for want of room
        resume.run();

        if (chunk == CANCELLED)
        {
            throw new IOException("request cancelled: the client went away");
        }

        if (chunk == END)
        {
            ended = true;
        }
        current = chunk;
        position = 0;
    }
}
