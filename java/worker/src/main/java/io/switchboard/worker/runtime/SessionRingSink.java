package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.rpc.RpcChannelFrameType;

import io.switchboard.rpc.FrameSink;
import io.switchboard.rpc.SessionLostException;

import io.switchboard.ipc.memory.SharedBuffer;
import io.switchboard.rpc.thread.HandlerThreads;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a distributed session's frames leave the worker: the outbound ring of
 * the session's channel, one ring message per RPC frame (fragmented when it is
 * longer than a ring frame).
 * <p>
 * Many threads send: the handler threads answering calls and calling the
 * client back, and the poller thread itself (pongs, errors, and the answers of
 * non-blocking services it runs inline). A lock keeps each frame's fragments
 * together. The poller must never wait, neither for the lock nor for ring
 * space, or every channel of the worker would stall behind one slow client: a
 * frame it cannot write at once is queued, and a virtual thread writes the
 * queue out as the CM frees space. Other threads wait for space themselves,
 * which is the backpressure a handler writing to a slow client should feel.
 * <p>
 * The queue is bounded twice. A session whose queue holds more than
 * {@link #READ_RESUME_BYTES} is not read by the poller ({@link #isBackedUp}) until
 * the drainer brings it back under that: a client that floods PINGs and never
 * reads its PONGs fills its own rings and then its socket, not the worker's heap.
 * And all sessions' queues together stay under the worker's bound
 * ({@link SessionResources#tryQueue}); a frame that would pass it ends its session.
 */
final class SessionRingSink implements FrameSink
{
    /** Queued bytes above which the poller stops reading the session, until the drainer wrote them out. */
    static final int READ_RESUME_BYTES = 64 * 1024;

    private final ChannelEnd end;
    private final RingWriter writer;
    private final Thread pollerThread;
    private final SessionResources resources;
    private final Runnable wakeReader;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private final Backoff backoff = new Backoff();
    /** The session's encoders are pooled, so frames come from a few arrays again and again: wrap each once. */
    private byte[] lastArray;
    private SharedBuffer lastSegment;
    /** Written under the queue's monitor; read without it by the poller's quick look in {@link #isBackedUp}. */
    private volatile long queuedBytes;
    private boolean drainerRunning;
    /** The poller stopped reading because the queue was long, and waits to be woken; under the queue's monitor. */
    private boolean readerWaiting;
    /** Between beginPass and endPass; the poller's own. */
    private boolean inPass;
    /** Frames the poller wrote in this pass and has not published yet; the poller's own. */
    private boolean heldByPoller;
    private volatile boolean closed;
    private volatile String closedReason = "session closed";

    /**
     * @param wakeReader rings the session's doorbell bit: the poller reads the session again.
     */
    SessionRingSink(
        final ChannelEnd end, final Thread pollerThread, final SessionResources resources, final Runnable wakeReader)
    {
        this.end = end;
        this.writer = end.writer();
        this.pollerThread = pollerThread;
        this.resources = resources;
        this.wakeReader = wakeReader;
    }

    /**
     * The poller asks before it reads the session's next inbound frame. When the queue is long it answers true and
     * the poller leaves the frame in the ring; the drainer wakes the poller once the queue is short again.
     */
    boolean isBackedUp()
    {
        if (queuedBytes <= READ_RESUME_BYTES)
        {
            return false;
        }
        synchronized (queued)
        {
            // looked at again under the monitor the drainer takes, so that its wake-up cannot be missed
            if (queuedBytes <= READ_RESUME_BYTES)
            {
                return false;
            }
            readerWaiting = true;
            return true;
        }
    }

    /**
     * @return bytes queued for the drainer now.
     */
    long queuedBytes()
    {
        return queuedBytes;
    }

    /**
     * Sends one whole frame.
     *
     * @throws SessionLostException when the session is over: nothing was sent.
     */
    public void send(final byte[] frame, final int offset, final int length)
    {
        if (Thread.currentThread() == pollerThread)
        {
            sendFromPoller(frame, offset, length);
            return;
        }
        lock.lock();
        try
        {
            checkOpen();
            writeQueued();
            write(frame, offset, length);
        }
        finally
        {
            unlockPublished();
        }
        end.signalPeer();
    }

    private void sendFromPoller(final byte[] frame, final int offset, final int length)
    {
        if (lock.tryLock())
        {
            try
            {
                checkOpen();
                if (queued.isEmpty() && length <= writer.maxPayloadLength())
                {
                    if (inPass)
                    {
                        if (writer.offerUnpublished(RpcChannelFrameType.STREAM, wrap(frame), offset, length))
                        {
                            // seen by the CM at the end of the poller's pass, with the pass's other answers
                            heldByPoller = true;
                            return;
                        }
                    }
                    else if (writer.offer(RpcChannelFrameType.STREAM, wrap(frame), offset, length))
                    {
                        end.signalPeer();
                        return;
                    }
                }
                enqueue(frame, offset, length);
            }
            finally
            {
                lock.unlock();
            }
            return;
        }
        synchronized (queued)
        {
            checkOpen();
            enqueue(frame, offset, length);
        }
    }

    /**
     * The poller starts reading this session's inbound frames; until {@link #endPass()}, what it sends here (the
     * answers of non-blocking services, pongs) is written but held back. Then those frames become visible together,
     * so that the CM takes them in one look and writes them to the client in one system call. Without this the
     * CM, polling on the other core, took the answers of a pass one or two at a time.
     * <p>
     * When a handler thread holds the lock, the poller does not wait for it: every holder publishes the ring's
     * tail before it unlocks ({@link #unlockPublished}), and {@link #write} publishes before it waits for space.
     */
    void beginPass()
    {
        inPass = true;
    }

    /**
     * See {@link #beginPass()}.
     */
    void endPass()
    {
        inPass = false;
        if (!heldByPoller)
        {
            return;
        }
        heldByPoller = false;
        if (lock.tryLock())
        {
            try
            {
                writer.publish();
            }
            finally
            {
                lock.unlock();
            }
        }
        end.signalPeer();
    }

    private void enqueue(final byte[] frame, final int offset, final int length)
    {
        synchronized (queued)
        {
            // looked at under the monitor close() clears the queue under: nothing is queued after the clear
            checkOpen();
            if (!resources.tryQueue(length))
            {
                close("the client reads its answers too slowly: the worker's queue for such clients is full (" +
                    resources.outboundQueuedBytes() + " of " + resources.outboundCapacityBytes() + " bytes, " +
                    queuedBytes + " of them this session's)");
                throw new SessionLostException(closedReason);
            }
            final byte[] copy = new byte[length];
            System.arraycopy(frame, offset, copy, 0, length);
            queued.add(copy);
            queuedBytes += length;
            if (!drainerRunning)
            {
                drainerRunning = true;
                HandlerThreads.start("switchboard-session-drain", this::drain);
            }
        }
    }

    private void drain()
    {
        lock.lock();
        try
        {
            writeQueued();
        }
        catch (final SessionLostException ex)
        {
            // the session ended: what was queued goes nowhere
        }
        finally
        {
            synchronized (queued)
            {
                drainerRunning = false;
                if (!queued.isEmpty() && !closed)
                {
                    drainerRunning = true;
                    HandlerThreads.start("switchboard-session-drain", this::drain);
                }
            }
            unlockPublished();
        }
        end.signalPeer();
    }

    /**
     * Every holder of the lock but the poller in its pass publishes before it lets go: the poller's {@link #endPass}
     * does not wait for the lock, and counts on whoever holds it to publish what the pass held back, even a holder
     * that wrote nothing (a drainer that found the queue empty, a sender that found the session closed).
     */
    private void unlockPublished()
    {
        try
        {
            writer.publish();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Writes what the poller queued; the lock is held.
     */
    private void writeQueued()
    {
        while (true)
        {
            checkOpen();
            final byte[] next;
            boolean wake = false;
            synchronized (queued)
            {
                next = queued.poll();
                if (next == null)
                {
                    return;
                }
                queuedBytes -= next.length;
                resources.dequeued(next.length);
                if (readerWaiting && queuedBytes <= READ_RESUME_BYTES)
                {
                    readerWaiting = false;
                    wake = true;
                }
            }
            if (wake)
            {
                wakeReader.run();
            }
            write(next, 0, next.length);
        }
    }

    /**
     * Writes a frame whole, as fragments if it must, waiting for space; the lock is held.
     */
    private void write(final byte[] frame, final int offset, final int length)
    {
        // what the poller held back goes first, and must not wait behind this frame's wait for space
        writer.publish();
        final SharedBuffer source = wrap(frame);
        if (length <= writer.maxPayloadLength() && writer.offer(RpcChannelFrameType.STREAM, source, offset, length))
        {
            return;
        }
        int written = 0;
        backoff.reset();
        while (written < length)
        {
            final int n = writer.offerPart(
                RpcChannelFrameType.STREAM, source, offset + written, length - written, written == 0, true);
            if (n == RingWriter.NOTHING_WRITTEN)
            {
                // let the CM see what is there, then wait for it to make room
                end.signalPeer();
                checkOpen();
                backoff.idle();
                continue;
            }
            written += n;
            backoff.reset();
        }
    }

    /**
     * A heap segment over {@code array}; the lock is held.
     */
    private SharedBuffer wrap(final byte[] array)
    {
        if (array != lastArray)
        {
            lastArray = array;
            lastSegment = SharedBuffer.wrap(array);
        }
        return lastSegment;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new SessionLostException(closedReason);
        }
    }

    /**
     * The session is over (it said or heard goodbye, or broke down): nothing is sent any more.
     */
    public void close()
    {
        close("the session ended");
    }

    /**
     * Nothing is sent any more; a sender waiting for space gives up. Idempotent.
     */
    void close(final String reason)
    {
        if (!closed)
        {
            closedReason = reason;
            closed = true;
        }
        synchronized (queued)
        {
            // what was queued goes nowhere now: the worker's bound gets it back
            resources.dequeued(queuedBytes);
            queuedBytes = 0;
            queued.clear();
        }
    }

    /**
     * Waits until no thread is writing into the ring: after this, with the sink closed, the ring is
     * never touched again and the channel may be marked done.
     *
     * @return false if a writer still holds the ring (then try again later).
     */
    boolean tryQuiesce()
    {
        if (!closed)
        {
            throw new IllegalStateException("close the sink first");
        }
        if (lock.tryLock())
        {
            unlockPublished();
            return true;
        }
        return false;
    }
}
