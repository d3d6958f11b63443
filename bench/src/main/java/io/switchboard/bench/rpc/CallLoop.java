package io.switchboard.bench.rpc;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A closed loop of calls on N threads for a fixed time: each thread makes one
 * call, waits for its answer, records the latency and goes on. Measures calls/s
 * and the latency distribution of one run; the warm-up is run the same way and
 * thrown away.
 */
final class CallLoop
{
    /**
     * One call, made again and again by one thread.
     */
    @FunctionalInterface
    interface Call
    {
        void call() throws Exception;
    }

    /**
     * What one run measured.
     */
    record Result(double callsPerSecond, long p50Ns, long p99Ns, long maxNs, long calls)
    {
        static Result of(final Histogram latencies, final long elapsedNs)
        {
            return new Result(latencies.getTotalCount() * 1e9 / elapsedNs, latencies.getValueAtPercentile(50),
                latencies.getValueAtPercentile(99), latencies.getMaxValue(), latencies.getTotalCount());
        }
    }

    private CallLoop()
    {
    }

    /**
     * One thread keeps {@code window} asynchronous calls in flight: as the oldest is answered, it makes the next.
     * A call's latency runs from its sending to the moment its answer is taken.
     */
    static Result runPipelined(final Supplier<CompletableFuture<?>> call, final int window, final long durationMs)
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final CompletableFuture<?>[] inFlight = new CompletableFuture<?>[window];
        final long[] sentNs = new long[window];
        final long startNs = System.nanoTime();
        final long stopNs = startNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
        for (int i = 0; i < window; i++)
        {
            sentNs[i] = System.nanoTime();
            inFlight[i] = call.get();
        }
        int oldest = 0;
        long now = System.nanoTime();
        while (now - stopNs < 0)
        {
            inFlight[oldest].join();
            now = System.nanoTime();
            histogram.recordValue(Math.min(now - sentNs[oldest], histogram.getHighestTrackableValue()));
            sentNs[oldest] = now;
            inFlight[oldest] = call.get();
            oldest = (oldest + 1) % window;
        }
        final long elapsedNs = System.nanoTime() - startNs;
        for (final CompletableFuture<?> pending : inFlight)
        {
            pending.join();
        }
        return Result.of(histogram, elapsedNs);
    }

    /**
     * One thread alternates a synchronous call and an asynchronous one it then waits for; only the asynchronous
     * calls are counted and timed: they show whether an answer nobody waits for synchronously is read promptly
     * when synchronous calls have just been made.
     */
    static Result runAlternating(final Call sync, final Supplier<CompletableFuture<?>> async, final long durationMs)
        throws Exception
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final long startNs = System.nanoTime();
        final long stopNs = startNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long now = startNs;
        while (now - stopNs < 0)
        {
            sync.call();
            final long sentNs = System.nanoTime();
            async.get().join();
            now = System.nanoTime();
            histogram.recordValue(Math.min(now - sentNs, histogram.getHighestTrackableValue()));
        }
        final long elapsedNs = System.nanoTime() - startNs;
        return Result.of(histogram, elapsedNs);
    }

    static Result run(final List<Call> perThread, final long durationMs) throws InterruptedException
    {
        final int threads = perThread.size();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Histogram> histograms = new ArrayList<>();
        final List<Thread> workers = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] endNs = new long[1];
        for (int t = 0; t < threads; t++)
        {
            final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            histograms.add(histogram);
            final Call call = perThread.get(t);
            final Thread worker = new Thread(() ->
            {
                try
                {
                    start.await();
                    final long stopNs = endNs[0];
                    long now = System.nanoTime();
                    while (now - stopNs < 0)
                    {
                        call.call();
                        final long after = System.nanoTime();
                        histogram.recordValue(Math.min(after - now, histogram.getHighestTrackableValue()));
                        now = after;
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "bench-caller-" + t);
            workers.add(worker);
            worker.start();
        }
        final long startNs = System.nanoTime();
        endNs[0] = startNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
        start.countDown();
        for (final Thread worker : workers)
        {
            worker.join(durationMs + 30_000);
            if (worker.isAlive())
            {
                throw new IllegalStateException("a caller did not finish 30 s after the run: a call hangs");
            }
        }
        final long elapsedNs = System.nanoTime() - startNs;
        if (failure.get() != null)
        {
            throw new IllegalStateException("a call failed: " + failure.get(), failure.get());
        }
        final Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (final Histogram histogram : histograms)
        {
            all.add(histogram);
        }
        return Result.of(all, elapsedNs);
    }
}
