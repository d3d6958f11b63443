package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.rpc.thread.HandlerThreads;
import io.switchboard.worker.http.HttpApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs each exchange's application handler on a virtual thread: handlers block
 * (bodies, sleeps, databases) and there may be as many as there are channels,
 * which platform threads would not afford. Each exchange object, that is each
 * channel slot, keeps its thread from request to request ({@link HandlerLoop});
 * a request begun while that thread still returns from the last one gets a
 * thread of its own rather than wait for it. The thread writes the response
 * straight into the channel's outbound ring. A request the application declares
 * {@link HttpApplication#isNonBlocking non-blocking} runs at once on the poller's
 * thread instead. Before Java 21, a bounded pool of platform threads runs the
 * handlers.
 */
final class HttpDispatcher implements Consumer<Exchange>, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpDispatcher.class);
    private static final byte[] NOT_FOUND = "No such application on this worker\n".getBytes(StandardCharsets.US_ASCII);

    private final Applications applications;
    /** How long the handlers still running when the worker stops are given to end, then again once interrupted. */
    static final long HANDLER_GRACE_MS = 1_000;

    /**
     * Makes the virtual thread of each exchange object on Java 21+ (all of the same name); null before Java 21.
     */
    private final ThreadFactory virtualThreads;
    /** At most --handler-threads platform threads before Java 21; null from 21 on. */
    private final ExecutorService executor;
    /** Every exchange object this dispatcher has run (one per channel slot): the handlers to interrupt at close. */
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    /** Exchanges handed to handler threads and not yet answered: the poller does not spin while there are any. */
    private final AtomicInteger handlersRunning = new AtomicInteger();

    HttpDispatcher(final Applications applications, final int handlerThreads)
    {
        this.virtualThreads = HandlerThreads.sameNameVirtualFactory("switchboard-handler");
        this.executor = virtualThreads == null ? HandlerThreads.executor("switchboard-handler-", handlerThreads) : null;
        this.applications = applications;
    }

    public void accept(final Exchange exchange)
    {
        final HttpApplication application = applications.get(exchange.head().application());
        if (application != null && !exchange.head().hasBody() && application.isNonBlocking(exchange))
        {
            // on the poller's thread: no hand-off for a request that cannot block
            run(exchange);
            return;
        }
        if (exchange.handlerTask() == null)
        {
            // made once per exchange object, which the poller reuses request after request: a task made here for
            // every request was an allocation each
            exchange.handlerTask(() -> runOnHandlerThread(exchange));
            // a new exchange object comes only with a slot's first request or a slot taken back from a handler
            // still running: the objects retired that way leave the list here, so that it stays about one per slot
            exchanges.removeIf(Exchange::isForgettable);
            exchanges.add(exchange);
        }
        handlersRunning.incrementAndGet();
        if (virtualThreads == null)
        {
            executor.execute(exchange.handlerTask());
            return;
        }
        final HandlerLoop loop = exchange.handlerLoop();
        if (loop == null)
        {
            // the object's first request: its thread starts with it
            final HandlerLoop first = new HandlerLoop(exchange, exchange.handlerTask());
            final Thread thread = virtualThreads.newThread(first);
            first.thread(thread);
            exchange.handlerLoop(first);
            thread.start();
        }
        else if (!loop.tryBegin())
        {
            // the slot's thread has not returned from the last request (whose response is done): this one does
            // not wait for it
            virtualThreads.newThread(exchange.handlerTask()).start();
        }
    }

    private void runOnHandlerThread(final Exchange exchange)
    {
        exchange.handlerThread(Thread.currentThread());
        try
        {
            run(exchange);
        }
        finally
        {
            exchange.handlerThreadEnded(Thread.currentThread());
            handlersRunning.decrementAndGet();
        }
    }

    /**
     * @return how many exchanges handler threads are serving now.
     */
    int handlersRunning()
    {
        return handlersRunning.get();
    }

    private void run(final Exchange exchange)
    {
        final long channelId = exchange.channelId();
        // the handler thread is the outbound ring's only producer while the exchange lasts
        final ResponseStream response = exchange.response();
        final HttpApplication application = applications.get(exchange.head().application());
        try
        {
            if (application == null)
            {
                response.status(404).header("Content-Type", "text/plain");
                response.send(NOT_FOUND);
                return;
            }

            application.handle(exchange, response);
            response.end();
        }
        catch (final Throwable t)
        {
            if (!exchange.isCancelled())
            {
                LOG.error("application {} failed on {} {} (channel {})", exchange.head().application(),
                    exchange.method(), exchange.path(), ChannelId.toString(channelId), t);
            }
            response.fail();
        }
        finally
        {
            exchange.responseDone();
        }
    }

    /**
     * Lets the handlers still running end (the CM asks a worker to stop once its channels are drained, so there
     * are seldom any), then interrupts those that take longer than {@link #HANDLER_GRACE_MS}: the applications'
     * stop hooks run after this, and must not pull resources from under a handler.
     */
    public void close()
    {
        if (executor != null)
        {
            closeExecutor();
            return;
        }
        try
        {
            stopLoopsWhenIdle();
            if (!awaitHandlers(HANDLER_GRACE_MS))
            {
                LOG.warn("handlers still running {} ms after the worker was told to stop: interrupting them",
                    HANDLER_GRACE_MS);
                for (final Exchange exchange : exchanges)
                {
                    final Thread thread = exchange.handlerThread();
                    if (thread != null)
                    {
                        thread.interrupt();
                    }
                }
                awaitHandlers(HANDLER_GRACE_MS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets every exchange object's handler thread end once its request, if it runs one, is over.
     */
    private void stopLoopsWhenIdle()
    {
        for (final Exchange exchange : exchanges)
        {
            final HandlerLoop loop = exchange.handlerLoop();
            if (loop != null)
            {
                loop.stop();
            }
        }
    }

    /**
     * @return whether no handler runs any more, within {@code ms}.
     */
    private boolean awaitHandlers(final long ms) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (handlersRunning.get() > 0)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void closeExecutor()
    {
        executor.shutdown();
        try
        {
            if (!executor.awaitTermination(HANDLER_GRACE_MS, TimeUnit.MILLISECONDS))
            {
                LOG.warn("handlers still running {} ms after the worker was told to stop: interrupting them",
                    HANDLER_GRACE_MS);
                executor.shutdownNow();
                executor.awaitTermination(HANDLER_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
