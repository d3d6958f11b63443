package io.switchboard.client;

import java.util.concurrent.locks.LockSupport;

/**
 * The session's reader thread, for the frames nobody waits for synchronously: async answers, and the worker's calls
 * to exported callbacks.
 * <p>
 * It takes the {@link ReadToken} and reads whenever no call has been waiting for {@link #LINGER_NS}, and at once when
 * an asynchronous call is sent while no thread waits. It keeps away while synchronous calls are being made one after
 * another, which is what lets a lone calling thread lead; the price is that a callback from the worker may wait up to
 * twice that long after the last synchronous call ends.
 * <p>
 * While synchronous calls wait it sleeps in bounded parks and nobody wakes it: the end of a call is not worth a
 * wake-up. Unparking it whenever the count of waiting calls fell to zero cost one thread wake-up and two futex calls
 * per call with one calling thread (7 us of CPU per call, measured with {@code bench rpc --thread-cpu}), only for it
 * to see the linger still running and sleep again.
 */
final class ReadPump
{
    /** How long the pump keeps away after a synchronous call ended, for the caller to call again and lead. */
    static final long LINGER_NS = 2_000_000L;
    /** How soon the pump looks again for a token a leaving leader still holds, when an async answer is awaited. */
    private static final long ASYNC_RETRY_NS = 20_000L;

    private final SocketReader reader;
    private final long lingerNs;
    private final Thread thread;
    private ReadToken token;
    private volatile long lastSyncActivityNs;
    /** An async call was sent while no thread waited: the pump should read without lingering. */
    private volatile boolean asyncAnswerAwaited;

    /**
     * @param lingerNs how long the pump keeps away after a synchronous call: {@link #LINGER_NS} (tests lengthen it).
     */
    ReadPump(final SocketReader reader, final String name, final long lingerNs)
    {
        this.reader = reader;
        this.lingerNs = lingerNs;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        // no call yet: the pump reads at once (nanoTime may be negative, so not 0)
        this.lastSyncActivityNs = System.nanoTime() - lingerNs;
    }

    /**
     * Starts reading when nobody else does.
     */
    void start(final ReadToken token)
    {
        this.token = token;
        thread.start();
    }

    /**
     * A synchronous call stopped waiting: the pump keeps away for a while more.
     */
    void syncCallEnded()
    {
        lastSyncActivityNs = System.nanoTime();
    }

    /**
     * The last synchronous call waiting stopped: wakes the pump if an async answer is awaited, which the pump must
     * now read; otherwise it starts reading by itself when the linger has passed.
     */
    void noSyncCallWaits()
    {
        if (asyncAnswerAwaited)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * An asynchronous call was sent. Without this, an async call made right after a synchronous one waited the whole
     * linger (2.1 ms at the median, against tens of microseconds).
     *
     * @param noSyncCallWaits nobody leads who would read its answer.
     */
    void asyncCallSent(final boolean noSyncCallWaits)
    {
        // set even while threads wait: the last of them may leave before the answer comes, and then tells the pump
        asyncAnswerAwaited = true;
        if (noSyncCallWaits)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The reader is closed: the pump wakes and ends.
     */
    void wake()
    {
        LockSupport.unpark(thread);
    }

    private void run()
    {
        while (!reader.isClosed())
        {
            if (token.isSyncCallWaiting())
            {
                // a leader reads for everyone meanwhile; look again a linger later (or when woken for an async answer)
                LockSupport.parkNanos(this, lingerNs);
                continue;
            }
            final long idleNs = System.nanoTime() - lastSyncActivityNs;
            if (idleNs < lingerNs && !asyncAnswerAwaited)
            {
                LockSupport.parkNanos(this, lingerNs - idleNs);
                continue;
            }
            if (!token.tryAcquire())
            {
                // a leader is leaving: look again soon if an async answer is awaited
                LockSupport.parkNanos(this, asyncAnswerAwaited ? ASYNC_RETRY_NS : lingerNs);
                continue;
            }
            try
            {
                asyncAnswerAwaited = false;
                reader.readOnce(0);
            }
            finally
            {
                token.release();
            }
        }
    }
}
