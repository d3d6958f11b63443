package io.switchboard.worker.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The handler thread of one {@link Exchange} object, that is of one channel slot (Java 21+): a virtual thread
 * started with the slot's first request that runs the slot's requests one after the other and parks between
 * them.
 * <p>
 * Why keep it: a virtual thread made for every request cost the thread, its continuation, the scheduler's task,
 * its entry in the JVM's set of threads and, once the application read a thread-local (Jetty does on every
 * request), a new thread-local map: about 300 of the 3,000 bytes a servlet request allocated in the worker. Waking
 * a parked thread is the same hand-off to the scheduler as starting one; with the worker's carriers sized to its
 * share of the cores (see the CM's {@code WorkerLaunch.carrierShare}) the two served as many requests. Thread-locals
 * an application leaves set are seen by the slot's next request, as on any pool of handler threads.
 * <pre>
 *   BEGUN ----> RUNNING ----> IDLE ----> BEGUN ...     the poller moves IDLE to BEGUN (tryBegin), the thread
 *                               |                      all the others
 *                               +-- stopped --> ENDED  the thread returns
 * </pre>
 * A request begun while the thread is still RUNNING the last one (its response is done, so the poller took the
 * slot's next request, but the handler has not returned) is not made to wait for it: {@link #tryBegin()} refuses
 * and the dispatcher gives that request a thread of its own.
 * <p>
 * The thread ends once it is IDLE and stopped: the poller retired the object (it made another for the slot) or
 * the worker stops. A request begun before that runs first.
 */
final class HandlerLoop implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(HandlerLoop.class);

    private static final int IDLE = 0;
    private static final int BEGUN = 1;
    private static final int RUNNING = 2;
    private static final int ENDED = 3;

    private final Exchange exchange;
    private final Runnable request;
    private final AtomicInteger state = new AtomicInteger(BEGUN);
    private volatile boolean stopped;
    private volatile Thread thread;

    /**
     * Made with the slot's first request, which the thread runs first.
     *
     * @param exchange for the log only.
     * @param request  runs the exchange's current request, to its end (the exchange's own handler task).
     */
    HandlerLoop(final Exchange exchange, final Runnable request)
    {
        this.exchange = exchange;
        this.request = request;
    }

    /**
     * Poller: before {@code thread} is started, once.
     */
    void thread(final Thread thread)
    {
        this.thread = thread;
    }

    /**
     * Poller: the exchange's next request is begun.
     *
     * @return true when the thread takes it; false while it still runs the last one, or once it has ended.
     */
    boolean tryBegin()
    {
        if (state.compareAndSet(IDLE, BEGUN))
        {
            LockSupport.unpark(thread);
            return true;
        }
        return false;
    }

    /**
     * Lets the thread end once it runs no request; a request already begun is run first.
     */
    void stop()
    {
        stopped = true;
        final Thread current = thread;
        if (current != null)
        {
            LockSupport.unpark(current);
        }
    }

    @Override
    public void run()
    {
        while (true)
        {
            if (state.get() == BEGUN)
            {
                state.set(RUNNING);
                try
                {
                    request.run();
                }
                catch (final Throwable t)
                {
                    // the handler answers its own failures; this is the loop's, and the slot keeps its thread
                    LOG.error("handler thread of {} failed outside its handler", exchange, t);
                }
                state.set(IDLE);
                continue;
            }
            if (stopped)
            {
                // ENDED in one step with the look: a tryBegin can no longer hand this thread a request it would not run
                if (state.compareAndSet(IDLE, ENDED))
                {
                    return;
                }
                continue;
            }
            // an interrupt meant for the last request's handler (the worker stopping) is not the next one's, and
            // would make park return at once, over and over (looked at first: clearing takes a lock)
            if (Thread.currentThread().isInterrupted())
            {
                Thread.interrupted();
            }
            // parks with the stack of this loop only: the handler's frames are gone
            LockSupport.park(this);
        }
    }

    @Override
    public String toString()
    {
        return "HandlerLoop[" + thread + ", state=" + state.get() + "]";
    }
}
