package io.switchboard.worker.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import io.switchboard.worker.http.NonBlockingBody;
import java.nio.ByteBuffer;

/**
 * The body of a request as the handler reads it: chunks copied out of the
 * inbound ring by the poller, handed over through a bounded queue. When the
 * queue is full the poller stops reading the channel, the ring fills, and the
 * CM stops reading the client's socket: backpressure end to end. Taking a
 * chunk out of a full queue tells the poller to come back ({@code resume}).
 * <p>
 * Read as a blocking {@link InputStream}, or without blocking ({@link NonBlockingBody}): then the poller calls the
 * reader's demand back when it hands over a chunk, the end, or the cancellation.
 * <p>
 * Reused with its {@link Exchange}: {@link #begin} starts the next request's body.
 */
final class RequestBody extends InputStream implements NonBlockingBody
{
    static final int CAPACITY_CHUNKS = 16;

    private static final byte[] END = new byte[0];
    private static final byte[] CANCELLED = new byte[0];

    /** Made for the first request with a body and kept: most requests have none. */
    private BlockingQueue<byte[]> chunks;
    private boolean hasBody;
    private final Runnable resume;
    private final byte[] one = new byte[1];
    private byte[] current;
    private int position;
    private volatile boolean ended;
    private volatile boolean cancelled;
    private final AtomicReference<Runnable> demand = new AtomicReference<>();

    /**
     * @param resume tells the poller that the queue has room again; called
     *               after every chunk taken, so it must be cheap when the poller
     *               did not pause.
     */
    RequestBody(final Runnable resume)
    {
        this.resume = resume;
        this.ended = true;
    }

    /**
     * Poller: the next request's body; nothing reads the last one any more (its handler returned).
     *
     * @param hasBody false for a request without a body: it is over before it begins.
     */
    void begin(final boolean hasBody)
    {
        this.hasBody = hasBody;
        if (hasBody && chunks == null)
        {
            chunks = new ArrayBlockingQueue<>(CAPACITY_CHUNKS + 2);
        }
        if (chunks != null)
        {
            chunks.clear();
        }
        current = null;
        position = 0;
        demand.set(null);
        cancelled = false;
        ended = !hasBody;
    }

    /**
     * Poller: how many more chunks it may hand over now.
     */
    int freeChunks()
    {
        return !hasBody ? 0 : Math.max(0, CAPACITY_CHUNKS - chunks.size());
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
        signal();
    }

    /**
     * Poller: the body is complete.
     */
    void end()
    {
        if (hasBody)
        {
            chunks.add(END);
        }
        signal();
    }

    /**
     * Poller: the client is gone.
     */
    void cancel()
    {
        cancelled = true;
        if (hasBody)
        {
            chunks.offer(CANCELLED);
        }
        signal();
    }

    public ByteBuffer poll() throws IOException
    {
        if (ended)
        {
            return NonBlockingBody.END;
        }
        if (cancelled)
        {
            throw new IOException("request cancelled: the client went away");
        }
        final byte[] chunk = chunks.poll();
        if (chunk == null)
        {
            return null;
        }
        resume.run();
        if (chunk == CANCELLED)
        {
            throw new IOException("request cancelled: the client went away");
        }
        if (chunk == END)
        {
            ended = true;
            return NonBlockingBody.END;
        }
        return ByteBuffer.wrap(chunk);
    }

    public void demand(final Runnable onAvailable)
    {
        demand.set(onAvailable);
        // set, then look: the poller adds, then takes the demand, so one of the two calls it
        if (ended || cancelled || (hasBody && !chunks.isEmpty()))
        {
            signal();
        }
    }

    private void signal()
    {
        final Runnable onAvailable = demand.getAndSet(null);
        if (onAvailable != null)
        {
            onAvailable.run();
        }
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
