package io.switchboard.worker.runtime;

import io.switchboard.rpc.thread.HandlerThreads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A slot's kept handler thread: the requests it takes run on it one after the other, it refuses one while it still
 * runs the last, and it ends only once no request it took is left.
 */
@Timeout(60)
class HandlerLoopTest
{
    private ThreadFactory threads;

    @BeforeEach
    void virtualThreads()
    {
        threads = HandlerThreads.sameNameVirtualFactory("test-handler");
        assumeTrue(threads != null, "virtual threads (Java 21+)");
    }

    @Test
    void shouldRunEachRequestItTakesOnTheSlotsOneThreadThenEndWhenStopped() throws Exception
    {
        final BlockingQueue<Thread> ran = new LinkedBlockingQueue<>();
        final HandlerLoop loop = new HandlerLoop(null, () ->
        {
            final Thread current = Thread.currentThread();
            // an interrupt each handler leaves behind: never the next request's, and no busy loop meanwhile
            assertFalse(current.isInterrupted());
            current.interrupt();
            ran.add(current);
        });
        final Thread thread = start(loop);

        assertSame(thread, ran.take(), "the first request, begun with the thread");
        for (int request = 0; request < 5; request++)
        {
            awaitParked(thread);
            assertTrue(loop.tryBegin());
            assertSame(thread, ran.take());
        }

        awaitParked(thread);
        loop.stop();
        thread.join();
        assertFalse(loop.tryBegin(), "an ended thread takes nothing");
    }

    @Test
    void shouldRefuseARequestWhileTheLastOneStillRuns() throws Exception
    {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final HandlerLoop loop = new HandlerLoop(null, () ->
        {
            running.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        final Thread thread = start(loop);
        running.await();

        assertFalse(loop.tryBegin(), "the dispatcher gives such a request a thread of its own");

        release.countDown();
        awaitParked(thread);
        loop.stop();
        thread.join();
    }

    @Test
    void shouldRunARequestTakenJustBeforeTheStopBeforeEnding() throws Exception
    {
        final BlockingQueue<Thread> ran = new LinkedBlockingQueue<>();
        final HandlerLoop loop = new HandlerLoop(null, () -> ran.add(Thread.currentThread()));
        final Thread thread = start(loop);
        ran.take();
        awaitParked(thread);

        assertTrue(loop.tryBegin());
        loop.stop();
        thread.join();

        assertSame(thread, ran.poll(), "the request taken ran");
    }

    private Thread start(final HandlerLoop loop)
    {
        final Thread thread = threads.newThread(loop);
        loop.thread(thread);
        thread.start();
        return thread;
    }

    /**
     * Until the thread is parked between requests (it waits, it does not spin).
     */
    private static void awaitParked(final Thread thread)
    {
        while (thread.getState() != Thread.State.WAITING)
        {
            Thread.onSpinWait();
        }
    }
}
