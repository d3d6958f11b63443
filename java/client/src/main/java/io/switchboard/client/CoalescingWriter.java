package io.switchboard.client;

import io.switchboard.rpc.FrameSink;
import io.switchboard.rpc.SessionLostException;
import io.switchboard.rpc.thread.HandlerThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The session's {@link FrameSink} on its socket. One thread at a time writes to the socket, the flusher; frames sent
 * while it writes are appended to a shared buffer under a lock, and the flusher writes them all in one call before
 * it returns. A lone sender writes its frame straight from its own buffer, with no copy.
 * <p>
 * Frames may also wait in the buffer while nobody writes, for others to go out with them: when, and until when, is
 * the {@link HoldPolicy}'s call ({@link #holdPolicy()}), whose state this writer's lock guards as well.
 * <p>
 * The pending buffer is not bounded here: what piles up is bounded by the session's calls in flight.
 */
final class CoalescingWriter implements FrameSink
{
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private final OutputStream out;
    private final Consumer<IOException> onFailure;
    private final Runnable onClose;
    private final Object lock = new Object();
    private final HoldPolicy hold;
    /** Frames waiting for the flusher; guarded by lock. */
    private byte[] pending = new byte[INITIAL_CAPACITY];
    private int pendingLength;
    /** The other buffer, swapped with pending by the flusher: the one it writes from; owned by the flusher. */
    private byte[] writing = new byte[INITIAL_CAPACITY];
    private boolean flushing;
    /** A pending frame was sent by a thread that will not wait for an answer: it must not be held. */
    private boolean unawaitedPending;
    private boolean closed;
    private long writes;
    private long frames;

    CoalescingWriter(final OutputStream out, final Consumer<IOException> onFailure, final Runnable onClose)
    {
        this(out, onFailure, onClose, System::nanoTime);
    }

    /**
     * @param nanoClock the hold policy's clock (tests drive it).
     */
    CoalescingWriter(final OutputStream out, final Consumer<IOException> onFailure, final Runnable onClose,
        final LongSupplier nanoClock)
    {
        this.out = out;
        this.onFailure = onFailure;
        this.onClose = onClose;
        this.hold = new HoldPolicy(this, lock, nanoClock);
    }

    /**
     * @return what decides which frames wait, and sees that they go out: the reader's hooks.
     */
    HoldPolicy holdPolicy()
    {
        return hold;
    }

    @Override
    public void send(final byte[] buffer, final int offset, final int length)
    {
        send(buffer, offset, length, false);
    }

    /**
     * {@inheritDoc}
     * <p>
     * May wait while callers woken by the last delivery are still expected to call (see {@link HoldPolicy}): the
     * sender waits for its answer right after, in {@link ReadToken#await}, which sees that nothing stays held for
     * longer than a moment.
     */
    @Override
    public void sendAwaited(final byte[] buffer, final int offset, final int length)
    {
        // a virtual thread never leads or reads, so it cannot see to a held frame of its own
        send(buffer, offset, length, !HandlerThreads.isVirtual(Thread.currentThread()));
    }

    private void send(final byte[] buffer, final int offset, final int length, final boolean awaited)
    {
        final boolean writeOwnFrame;
        synchronized (lock)
        {
            if (closed)
            {
                throw new SessionLostException("SESSION_LOST: the connection is closed");
            }
            frames++;
            hold.countSend();
            if (flushing || hold.holds(awaited))
            {
                append(buffer, offset, length, awaited);
                return;
            }
            claimFlush();
            // held frames go first (the order of frames is the order of sends); a lone frame goes uncopied
            writeOwnFrame = pendingLength == 0;
            if (!writeOwnFrame)
            {
                append(buffer, offset, length, awaited);
            }
        }
        try
        {
            if (writeOwnFrame)
            {
                out.write(buffer, offset, length);
                writes++;
            }
            flushPending();
        }
        catch (final IOException ex)
        {
            writeFailed(ex);
            throw new SessionLostException("SESSION_LOST: writing to the connection failed: " + ex, ex);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The hold policy's side: the lock is held, but for writeClaimed
    // ------------------------------------------------------------------------------------------------------------

    /**
     * @return whether frames are pending that nobody is about to write: no flusher is at work, and the writer is
     * open.
     */
    boolean hasUnwrittenFrames()
    {
        return pendingLength > 0 && !flushing && !closed;
    }

    boolean onlyAwaitedFramesPending()
    {
        return !unawaitedPending;
    }

    /**
     * Takes the flusher's role: the caller writes what is pending ({@link #writeClaimed()}) once it let go of the
     * lock.
     */
    void claimFlush()
    {
        flushing = true;
        unawaitedPending = false;
        hold.released();
    }

    /**
     * Writes what is pending, the flusher's role claimed. A failed write fails the session; the callers whose frames
     * were lost learn it from the session's end.
     */
    void writeClaimed()
    {
        try
        {
            flushPending();
        }
        catch (final IOException ex)
        {
            writeFailed(ex);
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private void writeFailed(final IOException ex)
    {
        synchronized (lock)
        {
            flushing = false;
            closed = true;
            hold.released();
            lock.notifyAll();
        }
        onFailure.accept(ex);
    }

    /**
     * Writes what others appended while this thread wrote, until nothing is left; then gives up the flusher's role.
     */
    private void flushPending() throws IOException
    {
        while (true)
        {
            final byte[] batch;
            final int length;
            synchronized (lock)
            {
                if (pendingLength == 0)
                {
                    flushing = false;
                    unawaitedPending = false;
                    lock.notifyAll();
                    return;
                }
                batch = pending;
                length = pendingLength;
                pending = writing;
                pendingLength = 0;
                writing = batch;
            }
            out.write(batch, 0, length);
            writes++;
            if (writing.length > 16 * INITIAL_CAPACITY)
            {
                // a burst of large frames grew it: give the memory back
                writing = new byte[INITIAL_CAPACITY];
            }
        }
    }

    private void append(final byte[] buffer, final int offset, final int length, final boolean awaited)
    {
        if (!awaited)
        {
            unawaitedPending = true;
        }
        if (pendingLength + length > pending.length)
        {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + length, 2 * pending.length));
        }
        System.arraycopy(buffer, offset, pending, pendingLength, length);
        pendingLength += length;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Waits (briefly) for the flusher to write what was appended, then tells the connection.
     */
    @Override
    public void close()
    {
        final boolean flushLeftovers;
        synchronized (lock)
        {
            final long giveUpNs = System.nanoTime() + 1_000_000_000L;
            while (flushing && System.nanoTime() < giveUpNs)
            {
                try
                {
                    lock.wait(10);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            // frames held for a delivery in progress or for expected callers (the GOODBYE among them, often):
            // nobody else may write them once the writer is closed
            flushLeftovers = !flushing && !closed && pendingLength > 0;
            if (flushLeftovers)
            {
                claimFlush();
            }
            else
            {
                closed = true;
            }
        }
        if (flushLeftovers)
        {
            writeClaimed();
            synchronized (lock)
            {
                closed = true;
            }
        }
        onClose.run();
    }

    /**
     * @return frames sent so far (held ones included): the keepalive's sign that the session is not idle.
     */
    long framesSent()
    {
        synchronized (lock)
        {
            return frames;
        }
    }

    /**
     * @return write calls made to the socket so far, and frames sent: their ratio shows the coalescing.
     */
    long[] counters()
    {
        synchronized (lock)
        {
            return new long[] {writes, frames};
        }
    }
}
