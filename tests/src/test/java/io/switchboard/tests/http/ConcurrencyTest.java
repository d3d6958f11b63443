package io.switchboard.tests.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many clients at once, and where their requests go: 500 connections open
 * together, requests spread over both workers, and every channel back in the
 * pool once the load stops.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyTest
{
    private static final int CONNECTIONS = 500;
    private static final int REQUESTS_PER_CONNECTION = 3;

    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance("--workers", "2");
    }

    @AfterAll
    static void stop()
    {
        if (instance != null)
        {
            instance.close();
        }
    }

    @Test
    void shouldServe500ConcurrentConnectionsAndFreeEveryChannel() throws Exception
    {
        final CountDownLatch allConnected = new CountDownLatch(CONNECTIONS);
        final AtomicInteger served = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor())
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++)
            {
                final int connection = c;
                done.add(clients.submit(() ->
                {
                    try (RawHttp client = new RawHttp(instance.port()))
                    {
                        // every connection is open before any sends: 500 at once on the CM
                        allConnected.countDown();
                        allConnected.await(20, TimeUnit.SECONDS);
                        for (int r = 0; r < REQUESTS_PER_CONNECTION; r++)
                        {
                            final String target = r == 1 ? "/bytes?n=" + (1000 + connection) : "/hello";
                            client.send(RawHttp.get(target));
                            final RawHttp.Response response = client.read();
                            if (response.status() != 200 ||
                                response.body().length != (r == 1 ? 1000 + connection : 13))
                            {
                                failures.add("connection " + connection + " request " + r + ": " + response.statusLine() +
                                    " with " + response.body().length + " bytes");
                            }
                            else
                            {
                                served.incrementAndGet();
                            }
                        }
                    }
                    catch (final Exception ex)
                    {
                        allConnected.countDown();
                        failures.add("connection " + connection + ": " + ex);
                    }
                    return null;
                }));
            }
            for (final Future<?> future : done)
            {
                future.get(40, TimeUnit.SECONDS);
            }
        }

        assertTrue(failures.isEmpty(), failures.size() + " failures, the first: " + failures.stream().limit(5).toList());
        assertEquals(CONNECTIONS * REQUESTS_PER_CONNECTION, served.get());
        assertEquals(0, instance.awaitChannelsInUse(0, 5_000), "channels in use once the load stopped");
    }

    @Test
    void shouldAnswerEveryRequestOnceWhileFewChannelsAreReusedAtOnce() throws Exception
    {
        // 16 clients on 2 channels: a channel freed by one response is opened again at once for a queued request,
        // on either worker. Each request must be answered once, by one worker, with its own response.
        try (Instance few = new Instance("--channels", "2", "--workers", "2"))
        {
            final Set<String> pids = new TreeSet<>();
            for (int slot = 0; slot < few.cm().supervisor().workerCount(); slot++)
            {
                pids.add(Long.toString(few.cm().supervisor().pid(slot)));
            }
            final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            final AtomicInteger served = new AtomicInteger();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor())
            {
                final List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < 16; c++)
                {
                    final int connection = c;
                    done.add(clients.submit(() ->
                    {
                        try (RawHttp client = new RawHttp(few.port(), 5_000))
                        {
                            for (int r = 0; r < 300; r++)
                            {
                                final boolean whoami = (r + connection) % 2 == 0;
                                client.send(RawHttp.get(whoami ? "/whoami" : "/bytes?n=" + (r % 50)));
                                final RawHttp.Response response = client.read();
                                if (response.status() != 200 ||
                                    (whoami ? !pids.contains(response.text()) : response.body().length != r % 50))
                                {
                                    failures.add("connection " + connection + " request " + r + ": " +
                                        response.statusLine() + " " + response.text());
                                }
                                else
                                {
                                    served.incrementAndGet();
                                }
                            }
                        }
                        catch (final Exception ex)
                        {
                            failures.add("connection " + connection + ": " + ex);
                        }
                        return null;
                    }));
                }
                for (final Future<?> future : done)
                {
                    future.get(40, TimeUnit.SECONDS);
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " failures, the first: " + failures.stream().limit(3).toList());
            assertEquals(16 * 300, served.get());
            assertEquals(0, few.awaitChannelsInUse(0, 5_000));
        }
    }

    @Test
    void shouldSpreadRequestsOverBothWorkers() throws Exception
    {
        final Set<String> pids = new TreeSet<>();
        for (int i = 0; i < 50; i++)
        {
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send("GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), response.statusLine());
                pids.add(response.text());
            }
        }

        final Set<String> workerPids = new TreeSet<>();
        for (int slot = 0; slot < instance.cm().supervisor().workerCount(); slot++)
        {
            workerPids.add(Long.toString(instance.cm().supervisor().pid(slot)));
        }
        assertEquals(workerPids, pids, "pids answering /whoami");
        assertEquals(0, instance.awaitChannelsInUse(0, 5_000));
    }

    @Test
    void shouldSpreadConcurrentRequestsOverBothWorkers() throws Exception
    {
        // 20 slow requests at once: the least loaded worker takes each, so both get some
        final ConcurrentLinkedQueue<String> pids = new ConcurrentLinkedQueue<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor())
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                done.add(clients.submit(() ->
                {
                    try (RawHttp client = new RawHttp(instance.port()))
                    {
                        client.send(RawHttp.get("/sleep?ms=200") + RawHttp.get("/whoami"));
                        assertEquals(200, client.read().status());
                        pids.add(client.read().text());
                    }
                    return null;
                }));
            }
            for (final Future<?> future : done)
            {
                future.get(20, TimeUnit.SECONDS);
            }
        }
        assertEquals(2, new TreeSet<>(pids).size(), "distinct pids: " + new TreeSet<>(pids));
        assertEquals(0, instance.awaitChannelsInUse(0, 5_000));
    }
}
