package io.switchboard.client;

import io.switchboard.rpc.AnswerWaiter;
import io.switchboard.rpc.stream.FrameAssembler;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Reads the session's socket, leader/follower style, so that a thread making a synchronous call usually reads its
 * own answer instead of being woken by a reader thread (a hand-off that costs a wake-up on every call).
 * <p>
 * One thread at a time holds the read token and reads: the leader. A platform thread waiting for an answer takes
 * the token if it is free and reads, delivering every frame it reads (other callers' answers wake them), until its
 * own answer is in or its deadline passes; then it hands the token to a waiting follower. Waiting threads that find
 * the token taken park as followers. Virtual threads never lead: interrupting a virtual thread blocked on a socket
 * closes the socket.
 * <p>
 * Frames nobody waits for synchronously (async answers, the worker's calls to exported callbacks) need a reader
 * too: the pump thread reads whenever no call has been waiting for {@link #LINGER_NS}, and at once when an
 * asynchronous call is sent while no thread waits. It keeps away while synchronous calls are being made one after
 * another, which is what lets a lone calling thread lead; the price is that a callback from the worker may wait
 * up to that long after the last synchronous call ends.
 */
final class SocketReader implements AnswerWaiter
{
    static final long LINGER_NS = 2_000_000L;
    private static final long ASYNC_RETRY_NS = 20_000L;
    /**
     * Longest a frame is held for the callers woken with it to call again, so that their frames go out in one
     * write: long enough for a woken thread to get a core and encode its next call.
     */
    static final long HOLD_NS = Long.getLong("switchboard.client.holdNs", 30_000);
    private static final int READ_BUFFER_LENGTH = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final Consumer<IOException> onFailure;
    private final CoalescingWriter writer;
    private final ReentrantLock token = new ReentrantLock();
    private final AtomicInteger syncWaiters = new AtomicInteger();
    private final ConcurrentLinkedQueue<Thread> followers = new ConcurrentLinkedQueue<>();
    private final byte[] readBuffer = new byte[READ_BUFFER_LENGTH];
    private final Thread pump;
    /** The socket's SO_TIMEOUT as last set; only the token holder reads or sets it. */
    private int soTimeoutMs = -1;
    private FrameAssembler assembler;
    private volatile long lastSyncActivityNs;
    private volatile boolean pumpParked;
    /** An async call was sent while no thread waited: the pump should read without lingering. */
    private volatile boolean asyncAnswerAwaited;
    private final long lingerNs;
    /** The token holder is in (or about to enter) a blocking read: it does not look after held frames. */
    private volatile boolean leaderReading;
    private volatile boolean closed;

    /**
     * @param writer holds back the frames sent while this reader delivers, to write them in one go.
     */
    SocketReader(final Socket socket, final InputStream in, final CoalescingWriter writer,
        final Consumer<IOException> onFailure, final String name)
    {
        this(socket, in, writer, onFailure, name, LINGER_NS);
    }

    /**
     * @param lingerNs how long the pump keeps away after a synchronous call (tests lengthen it).
     */
    SocketReader(final Socket socket, final InputStream in, final CoalescingWriter writer,
        final Consumer<IOException> onFailure, final String name, final long lingerNs)
    {
        this.lingerNs = lingerNs;
        this.socket = socket;
        this.in = in;
        this.writer = writer;
        this.onFailure = onFailure;
        this.pump = Thread.ofPlatform().daemon().name(name).unstarted(this::pump);
    }

    void start(final FrameAssembler assembler)
    {
        this.assembler = assembler;
        pump.start();
    }

    boolean isClosed()
    {
        return closed;
    }

    @Override
    public void await(final Future<?> call, final long deadlineNs) throws InterruptedException
    {
        if (Thread.currentThread().isVirtual())
        {
            // never a leader, so not counted among those who keep the pump away: the pump reads for it (and
            // the writer never holds a virtual thread's frame, which it could not see to)
            AnswerWaiter.PARKING.await(call, deadlineNs);
            return;
        }
        if (token.isHeldByCurrentThread())
        {
            // only a delivery runs with the token held: a continuation or a non-blocking service making a
            // synchronous call would wait for an answer that it alone could read, and its frame is held back
            throw new IllegalStateException("a synchronous call from the session's reader thread (a continuation " +
                "of a call's future, or a NON_BLOCKING service) would wait for itself: use the async variant, or " +
                "a service that may block");
        }
        final Thread self = Thread.currentThread();
        syncWaiters.incrementAndGet();
        try
        {
            while (!call.isDone() && !closed)
            {
                if (token.tryLock())
                {
                    try
                    {
                        lead(call, deadlineNs);
                    }
                    finally
                    {
                        token.unlock();
                        handOff();
                    }
                }
                else
                {
                    followers.add(self);
                    try
                    {
                        // re-checked after joining: a leader that left before we joined did not see us
                        if (!call.isDone() && !closed && token.isLocked())
                        {
                            if (writer.isHolding() && leaderReading)
                            {
                                // the leader sleeps in read and will not see to the held frames: we do
                                parkNanos(call, Math.min(HOLD_NS, remainingNs(deadlineNs)));
                                writer.flushHeld(HOLD_NS);
                            }
                            else
                            {
                                park(call, deadlineNs);
                            }
                        }
                    }
                    finally
                    {
                        followers.remove(self);
                    }
                }
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
                if (deadlineNs != Long.MAX_VALUE && deadlineNs - System.nanoTime() <= 0)
                {
                    return;
                }
            }
        }
        finally
        {
            if (!call.isDone())
            {
                // the deadline passed or the thread was interrupted, maybe before its held frame went out:
                // nobody else may be about to write it
                writer.flushHeld(0);
            }
            // a follower woken to lead may find its own answer already delivered: it leaves without
            // reading, and must pass the turn on, or the others sleep with nobody reading for them
            if (!token.isLocked())
            {
                handOff();
            }
            lastSyncActivityNs = System.nanoTime();
            if (syncWaiters.decrementAndGet() == 0 && (pumpParked || asyncAnswerAwaited))
            {
                LockSupport.unpark(pump);
            }
        }
    }

    private static long remainingNs(final long deadlineNs)
    {
        return deadlineNs == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNs - System.nanoTime();
    }

    private static void parkNanos(final Future<?> call, final long ns)
    {
        if (ns > 0)
        {
            LockSupport.parkNanos(call, ns);
        }
    }

    /**
     * The frames of callers woken by this thread's delivery are held for the last of them to write together; this
     * thread is about to sleep in read, so it first waits (yielding, {@link #HOLD_NS} at most) for that, and
     * says it is reading, which tells followers holding frames to look after them themselves.
     */
    private void beforeRead()
    {
        while (true)
        {
            writer.awaitHeld(HOLD_NS);
            leaderReading = true;
            if (!writer.isHolding())
            {
                return;
            }
            // a frame was held between the wait and the announcement: its sender may not have seen it
            leaderReading = false;
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * While a thread waits, its leader reads every answer; otherwise the pump is told not to linger. Without this an
     * async call made right after a synchronous one waited the whole linger (2.1 ms at the median, against tens of
     * microseconds).
     */
    @Override
    public void asyncCallSent()
    {
        // set even while threads wait: the last of them may leave before the answer comes, and then tells the pump
        asyncAnswerAwaited = true;
        if (syncWaiters.get() == 0)
        {
            LockSupport.unpark(pump);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Delivered by this reader: the caller will most likely call again at once.
     */
    @Override
    public void answered()
    {
        if (token.isHeldByCurrentThread())
        {
            writer.expectCaller();
        }
    }

    private static void park(final Future<?> call, final long deadlineNs)
    {
        if (deadlineNs == Long.MAX_VALUE)
        {
            LockSupport.park(call);
        }
        else
        {
            LockSupport.parkNanos(call, deadlineNs - System.nanoTime());
        }
    }

    private void lead(final Future<?> call, final long deadlineNs)
    {
        while (!call.isDone() && !closed)
        {
            final int timeoutMs;
            if (deadlineNs == Long.MAX_VALUE)
            {
                timeoutMs = 0;
            }
            else
            {
                final long remainingNs = deadlineNs - System.nanoTime();
                if (remainingNs <= 0)
                {
                    return;
                }
                timeoutMs = (int)Math.max(1, Math.min(Integer.MAX_VALUE, (remainingNs + 999_999) / 1_000_000));
            }
            readOnce(timeoutMs);
            if (Thread.currentThread().isInterrupted())
            {
                return;
            }
        }
    }

    /**
     * Gives the token to a waiting follower, if any: it wakes and leads.
     */
    private void handOff()
    {
        final Thread next = followers.peek();
        if (next != null)
        {
            LockSupport.unpark(next);
        }
    }

    private void pump()
    {
        while (!closed)
        {
            if (syncWaiters.get() > 0)
            {
                pumpParked = true;
                if (syncWaiters.get() > 0 && !closed)
                {
                    LockSupport.park(this);
                }
                pumpParked = false;
                continue;
            }
            final long idleNs = System.nanoTime() - lastSyncActivityNs;
            if (idleNs < lingerNs && !asyncAnswerAwaited)
            {
                LockSupport.parkNanos(this, lingerNs - idleNs);
                continue;
            }
            if (!token.tryLock())
            {
                // a leader is leaving: look again soon if an async answer is awaited
                LockSupport.parkNanos(this, asyncAnswerAwaited ? ASYNC_RETRY_NS : lingerNs);
                continue;
            }
            try
            {
                asyncAnswerAwaited = false;
                readOnce(0);
            }
            finally
            {
                token.unlock();
                handOff();
            }
        }
    }

    /**
     * One read of the socket, its bytes delivered; the caller holds the token.
     *
     * @param timeoutMs 0 for none.
     */
    private void readOnce(final int timeoutMs)
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
                leaderReading = false;
            }
            if (read < 0)
            {
                fail(new EOFException("the CM closed the connection"));
                return;
            }
            // the callers woken by these answers call again while we deliver: their frames go out together
            writer.deferSends();
            try
            {
                assembler.onBytes(readBuffer, 0, read);
            }
            finally
            {
                writer.releaseDeferred();
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

    private void fail(final IOException cause)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        onFailure.accept(cause);
        for (final Thread follower : followers)
        {
            LockSupport.unpark(follower);
        }
        LockSupport.unpark(pump);
    }

    /**
     * The connection is being closed by this side: stop reading once the socket is closed.
     */
    void stop()
    {
        closed = true;
        LockSupport.unpark(pump);
        for (final Thread follower : followers)
        {
            LockSupport.unpark(follower);
        }
    }
}
