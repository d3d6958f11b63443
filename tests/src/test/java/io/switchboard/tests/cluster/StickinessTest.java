package io.switchboard.tests.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three instances behind HAProxy: 30 clients, each keeping the cookie HAProxy gave it on its first request, send
 * 1,000 requests between them, concurrently, and every one is served by the instance of its client's first
 * request (the instance is known by its one worker's pid, which /whoami answers). The first requests, without a
 * cookie, are spread over all three.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StickinessTest
{
    private static final int CLIENTS = 30;
    private static final int REQUESTS = 1_000;

    @Test
    void shouldKeepEachCookieCarryingClientOnItsInstance() throws Exception
    {
        try (Cluster cluster = Cluster.start(3))
        {
            final Set<String> instancePids = new HashSet<>();
            for (final InstanceProcess instance : cluster.instances)
            {
                instancePids.add(Long.toString(instance.workerPid()));
            }
            final AtomicInteger sent = new AtomicInteger();
            final AtomicInteger onTheirInstance = new AtomicInteger();
            final ConcurrentLinkedQueue<String> elsewhere = new ConcurrentLinkedQueue<>();
            final ConcurrentLinkedQueue<String> firstPids = new ConcurrentLinkedQueue<>();
            final List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++)
            {
                final int requests = REQUESTS / CLIENTS + (c < REQUESTS % CLIENTS ? 1 : 0);
                final int client = c;
                clients.add(Thread.ofPlatform().name("sticky-client-" + c).start(() ->
                {
                    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
                    {
                        final HttpResponse<String> first = http.send(
                            HttpRequest.newBuilder(URI.create(cluster.url("/whoami"))).build(),
                            HttpResponse.BodyHandlers.ofString());
                        final String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
                        final String pid = first.body();
                        firstPids.add(pid);
                        final HttpRequest again = HttpRequest.newBuilder(URI.create(cluster.url("/whoami")))
                            .header("Cookie", cookie).build();
                        for (int r = 0; r < requests; r++)
                        {
                            final HttpResponse<String> response = http.send(again, HttpResponse.BodyHandlers.ofString());
                            sent.incrementAndGet();
                            if (response.statusCode() == 200 && pid.equals(response.body()))
                            {
                                onTheirInstance.incrementAndGet();
                            }
                            else
                            {
                                elsewhere.add("client " + client + " (" + cookie + ", first on worker " + pid +
                                    "): " + response.statusCode() + " " + response.body());
                            }
                        }
                    }
                    catch (final Exception ex)
                    {
                        elsewhere.add("client " + client + ": " + ex);
                    }
                }));
            }
            for (final Thread client : clients)
            {
                client.join();
            }

            assertEquals(List.of(), List.copyOf(elsewhere));
            assertEquals(REQUESTS, sent.get());
            assertEquals(REQUESTS, onTheirInstance.get(), "100% on their instance");
            assertEquals(CLIENTS, firstPids.size());
            assertEquals(instancePids, new HashSet<>(firstPids), "the clients' first requests spread over the three");
            assertTrue(cluster.haproxyLog().isEmpty() || !cluster.haproxyLog().contains(" is DOWN"),
                cluster.haproxyLog());
        }
    }
}
