package io.switchboard.tests.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady HTTP load: {@code threads} clients, each sending GET {@code path} one after the other over its own
 * keep-alive connection, until {@link #stop()}. Every request is numbered as it starts, so a test can ask about
 * those that started after something it observed ({@link #nextNumber()}); a request fails when it gets no answer
 * (connection error, or none within the timeout: counted as hung too) or an answer other than 200 with
 * {@code expectedBody}.
 */
final class HttpLoad implements AutoCloseable
{
    /** A request that failed: its number, and what happened. */
    record Failure(long number, String what)
    {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AtomicLong numbers = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong hung = new AtomicLong();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> completedNumbers = new ConcurrentLinkedQueue<>();
    private final Thread[] clients;
    private volatile boolean running = true;

    HttpLoad(final String url, final String expectedBody, final int threads)
    {
        clients = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            clients[i] = Thread.ofPlatform().name("http-load-" + i).daemon().start(() -> run(url, expectedBody));
        }
    }

    private void run(final String url, final String expectedBody)
    {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build())
        {
            final HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
            while (running)
            {
                final long number = numbers.getAndIncrement();
                try
                {
                    final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200 || !expectedBody.equals(response.body()))
                    {
                        failures.add(new Failure(number, response.statusCode() + " " + response.body()));
                    }
                }
                catch (final java.net.http.HttpTimeoutException ex)
                {
                    hung.incrementAndGet();
                    failures.add(new Failure(number, "no answer within " + TIMEOUT + ": " + ex));
                }
                catch (final java.io.IOException ex)
                {
                    failures.add(new Failure(number, ex.toString()));
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                completedNumbers.add(number);
                completed.incrementAndGet();
            }
        }
    }

    /**
     * @return the number the next request to start will have.
     */
    long nextNumber()
    {
        return numbers.get();
    }

    long completed()
    {
        return completed.get();
    }

    /**
     * @return how many requests numbered {@code from} or later have completed (answered or failed).
     */
    long completedFrom(final long from)
    {
        return completedNumbers.stream().filter(n -> n >= from).count();
    }

    List<Failure> failures()
    {
        return List.copyOf(failures);
    }

    List<Failure> failuresFrom(final long from)
    {
        return failures.stream().filter(f -> f.number() >= from).toList();
    }

    long hung()
    {
        return hung.get();
    }

    /**
     * Stops sending and waits for every client's request in flight to end.
     */
    void stop() throws InterruptedException
    {
        running = false;
        for (final Thread client : clients)
        {
            client.join();
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        stop();
    }
}
