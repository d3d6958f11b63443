package io.switchboard.tests.http;

import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that keep an instance busy: each on its own keep-alive connection, a
 * request at a time, every read bounded by the socket's timeout (so a request
 * that hangs fails, it does not hold the test). Counts what came back; remembers
 * the bodies of {@code /whoami} answers (the serving worker's pid) and when each
 * pid first answered.
 */
final class Load implements AutoCloseable
{
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong ok = new AtomicLong();
    private final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> firstSeenNs = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * @param connections       clients at once.
     * @param maxPerConnection  requests each sends at most.
     * @param readTimeoutMs     each request's deadline.
     */
    Load(final int port, final String target, final int connections, final int maxPerConnection, final int readTimeoutMs)
    {
        for (int c = 0; c < connections; c++)
        {
            running.incrementAndGet();
            clients.execute(() ->
            {
                try
                {
                    run(port, target, maxPerConnection, readTimeoutMs);
                }
                finally
                {
                    running.decrementAndGet();
                }
            });
        }
    }

    private void run(final int port, final String target, final int maxRequests, final int readTimeoutMs)
    {
        RawHttp client = null;
        try
        {
            for (int i = 0; i < maxRequests && !stopping; i++)
            {
                try
                {
                    if (client == null)
                    {
                        client = new RawHttp(port, readTimeoutMs);
                    }
                    client.send(RawHttp.get(target));
                    final RawHttp.Response response = client.read();
                    byStatus.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (response.status() == 200)
                    {
                        ok.incrementAndGet();
                        firstSeenNs.putIfAbsent(response.text(), System.nanoTime());
                    }
                    if (response.status() != 200 || response.closes())
                    {
                        client.close();
                        client = null;
                    }
                }
                catch (final IOException ex)
                {
                    failures.add("request " + i + ": " + ex);
                    closeQuietly(client);
                    client = null;
                }
            }
        }
        finally
        {
            closeQuietly(client);
        }
    }

    long ok()
    {
        return ok.get();
    }

    /**
     * @return responses with this status so far.
     */
    int count(final int status)
    {
        final AtomicInteger count = byStatus.get(status);
        return count == null ? 0 : count.get();
    }

    /**
     * @return statuses other than those named, as "status=count" pairs, or an empty string.
     */
    String statusesOtherThan(final int... allowed)
    {
        final StringBuilder other = new StringBuilder();
        byStatus.forEach((status, count) ->
        {
            for (final int a : allowed)
            {
                if (a == status)
                {
                    return;
                }
            }
            other.append(status).append('=').append(count.get()).append(' ');
        });
        return other.toString();
    }

    /**
     * @return requests that got no response (timeout, reset, closed without a response).
     */
    Queue<String> failures()
    {
        return failures;
    }

    /**
     * @return when each body (a pid, for /whoami) was first answered, System.nanoTime().
     */
    Map<String, Long> firstSeenNs()
    {
        return firstSeenNs;
    }

    /**
     * Polls until {@code count} more requests were answered 200 (or the clients are done).
     */
    void awaitMore(final long count, final long timeoutMs) throws InterruptedException
    {
        final long target = ok.get() + count;
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (ok.get() < target && running.get() > 0 && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(5);
        }
    }

    /**
     * Stops the clients after their current request and waits for them.
     */
    public void close() throws InterruptedException
    {
        stopping = true;
        clients.shutdown();
        if (!clients.awaitTermination(60, TimeUnit.SECONDS))
        {
            failures.add("clients still running 60 s after the stop");
            clients.shutdownNow();
        }
    }

    private static void closeQuietly(final RawHttp client)
    {
        if (client != null)
        {
            try
            {
                client.close();
            }
            catch (final IOException ignored)
            {
                // done with it
            }
        }
    }
}
