package io.switchboard.client;

import io.switchboard.rpc.FrameSink;
import io.switchboard.rpc.SessionLostException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The session's {@link FrameSink} on its socket. One thread at a time writes to the socket, the flusher; frames sent
 * while it writes are appended to a shared buffer under a lock, and the flusher writes them all in one call before
 * it returns. A lone sender writes its frame straight from its own buffer, with no copy.
 * <p>
 * A loopback write costs about 5 us of the writer's CPU here (most of it the receiving side's TCP work, done in
 * the sender's system call), so frames are also held back to go out together:
 * <ul>
 *     <li>while the read leader hands out what it read ({@link #deferSends()} to {@link #releaseDeferred()}): the
 *     callers it wakes call again in that window;</li>
 *     <li>after that, while callers the delivery woke ({@link #expectCaller()}) have not called again yet: the
 *     frames of synchronous calls ({@link #sendAwaited}) wait for the last of them, who writes them all. Callers
 *     that answered together thus call again together, and with 8 threads on one session the frames of a round
 *     go out in one write (7.9 frames per write instead of 1.4: 8 threads 96-106k calls/s against 85-94k).</li>
 * </ul>
 * Nothing is held for long: a frame nobody waits for is never held (and takes the held ones with it), and
 * every held frame's sender waits for its answer right after, where {@link SocketReader} sees that held frames
 * go out once held for {@link SocketReader#HOLD_NS}, even if the callers expected never come.
 * <p>
 * The pending buffer is not bounded here: what piles up is bounded by the session's calls in flight.
 */
final class CoalescingWriter implements FrameSink
{
    private static final int INITIAL_CAPACITY = 64 * 1024;
    /**
     * After a hold ended because the callers expected did not come, none is tried for this long: with callers that
     * work between their calls, holding would cost most rounds {@link SocketReader#HOLD_NS} of latency.
     */
    private static final long NO_HOLD_AFTER_TIMEOUT_NS = 1_000_000L;

    private final OutputStream out;
    private final Consumer<IOException> onFailure;
    private final Runnable onClose;
    private final Object lock = new Object();
    /** Frames waiting for the flusher; guarded by lock. */
    private byte[] pending = new byte[INITIAL_CAPACITY];
    private int pendingLength;
    /** The other buffer, swapped with pending by the flusher: the one it writes from; owned by the flusher. */
    private byte[] writing = new byte[INITIAL_CAPACITY];
    private boolean flushing;
    /** Set while the read leader delivers answers: it writes what was sent meanwhile when it is done. */
    private boolean deferring;
    /** Callers given their answers by a delivery who have not called again yet (as far as sends can tell). */
    private int expectedCallers;
    /** When the oldest frame held for expected callers was held; 0 when none is. */
    private volatile long heldSinceNs;
    /** Until when frames are not held, after a hold that ended with the expected callers missing; 0 for none. */
    private long noHoldUntilNs;
    /** A pending frame was sent by a thread that will not wait for an answer: it must not be held. */
    private boolean unawaitedPending;
    private boolean closed;
    private long writes;
    private long frames;

    CoalescingWriter(final OutputStream out, final Consumer<IOException> onFailure, final Runnable onClose)
    {
        this.out = out;
        this.onFailure = onFailure;
        this.onClose = onClose;
    }

    @Override
    public void send(final byte[] buffer, final int offset, final int length)
    {
        send(buffer, offset, length, false);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Held back while callers woken by the last delivery are still expected to call (see the class comment): the
     * sender waits for its answer right after, in {@link SocketReader#await}, which sees that nothing stays held
     * for longer than a moment.
     */
    @Override
    public void sendAwaited(final byte[] buffer, final int offset, final int length)
    {
        // a virtual thread never leads or reads, so it cannot see to a held frame of its own
        send(buffer, offset, length, !Thread.currentThread().isVirtual());
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
            if (expectedCallers > 0)
            {
                // a woken caller calling again, most likely; any send counts, so a miscount only writes sooner
                expectedCallers--;
            }
            if (flushing || deferring)
            {
                append(buffer, offset, length, awaited);
                return;
            }
            if (awaited && expectedCallers > 0 && holdAllowed())
            {
                append(buffer, offset, length, true);
                if (heldSinceNs == 0)
                {
                    heldSinceNs = System.nanoTime();
                }
                return;
            }
            startFlushing();
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

    /**
     * The read leader is about to deliver what it read: frames sent until {@link #releaseDeferred()} wait for it.
     */
    void deferSends()
    {
        synchronized (lock)
        {
            deferring = true;
        }
    }

    /**
     * A caller waiting synchronously was given its answer by this delivery: it will most likely call again at
     * once, and its frame should go out with the others'.
     */
    void expectCaller()
    {
        synchronized (lock)
        {
            expectedCallers++;
        }
    }

    /**
     * The read leader is done delivering: it writes what was sent meanwhile, unless a flusher is at work (which
     * writes it before it returns) or woken callers are still expected and only waiting callers' frames are
     * pending (then the last of those callers writes them all, or the waiting callers do after {@code holdNs}).
     * A failed write fails the session; the callers whose frames were lost learn it from the session's end.
     */
    void releaseDeferred()
    {
        synchronized (lock)
        {
            deferring = false;
            if (flushing || pendingLength == 0 || closed)
            {
                return;
            }
            if (expectedCallers > 0 && !unawaitedPending && holdAllowed())
            {
                if (heldSinceNs == 0)
                {
                    heldSinceNs = System.nanoTime();
                }
                return;
            }
            startFlushing();
        }
        flushQuietly();
    }

    /**
     * @return whether frames are held for callers still expected: someone waiting must see to them.
     */
    boolean isHolding()
    {
        return heldSinceNs != 0;
    }

    /**
     * Writes the held frames if they have been held for {@code minAgeNs} or more: the callers expected did not
     * all come, and those who did must not wait for them any longer.
     *
     * @return whether nothing is held any more.
     */
    boolean flushHeld(final long minAgeNs)
    {
        synchronized (lock)
        {
            final long since = heldSinceNs;
            if (since == 0 || flushing || closed)
            {
                return true;
            }
            final long nowNs = System.nanoTime();
            if (nowNs - since < minAgeNs)
            {
                return false;
            }
            if (minAgeNs > 0)
            {
                // the expected callers did not come: callers here do more than call, so holding costs them
                // latency and saves no write; stop holding for a while
                noHoldUntilNs = nowNs + NO_HOLD_AFTER_TIMEOUT_NS;
            }
            expectedCallers = 0;
            startFlushing();
        }
        flushQuietly();
        return true;
    }

    /**
     * Before a thread sleeps with frames held: waits, yielding, until the last expected caller has written them, or
     * they have been held for {@code holdNs}, then writes them itself.
     */
    void awaitHeld(final long holdNs)
    {
        while (isHolding())
        {
            if (flushHeld(holdNs))
            {
                return;
            }
            Thread.yield();
        }
    }

    /**
     * The lock is held.
     */
    private boolean holdAllowed()
    {
        if (noHoldUntilNs != 0 && System.nanoTime() - noHoldUntilNs >= 0)
        {
            // the pause is over: no clock read on later sends
            noHoldUntilNs = 0;
        }
        return noHoldUntilNs == 0;
    }

    /**
     * Takes the flusher's role; the lock is held. What was held goes out with this flush.
     */
    private void startFlushing()
    {
        flushing = true;
        heldSinceNs = 0;
        unawaitedPending = false;
    }

    private void flushQuietly()
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

    private void writeFailed(final IOException ex)
    {
        synchronized (lock)
        {
            flushing = false;
            closed = true;
            heldSinceNs = 0;
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
                startFlushing();
            }
            else
            {
                closed = true;
            }
        }
        if (flushLeftovers)
        {
            flushQuietly();
            synchronized (lock)
            {
                closed = true;
            }
        }
        onClose.run();
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
