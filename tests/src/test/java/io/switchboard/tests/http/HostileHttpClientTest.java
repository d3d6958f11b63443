package io.switchboard.tests.http;

import io.switchboard.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one unauthenticated client can do to an instance over HTTP, and what it must not achieve: lose or
 * tear another response by pipelining faster than it reads, hold a connection forever by trickling a head
 * or a body, or take the I/O thread down with it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileHttpClientTest
{
    /** /bytes answers n bytes of a fixed pattern: a different length per request tells the order apart. */
    private static int lengthOf(final int request)
    {
        return (request * 7919) % 251;
    }

    @Test
    void shouldAnswerEveryPipelinedRequestInOrderToAClientThatReadsSlowly() throws Exception
    {
        final int requests = 100_000;
        try (Instance instance = new Instance("--workers", "1");
             RawHttp client = new RawHttp(instance.port(), 60_000, 4 * 1024))
        {
            final byte[] pattern = pattern(instance);
            final CompletableFuture<Void> sent = CompletableFuture.runAsync(() ->
            {
                try
                {
                    final StringBuilder batch = new StringBuilder();
                    for (int i = 0; i < requests; i++)
                    {
                        batch.append(RawHttp.get("/bytes?n=" + lengthOf(i)));
                        if (batch.length() > 32 * 1024 || i == requests - 1)
                        {
                            client.send(batch.toString());
                            batch.setLength(0);
                        }
                    }
                }
                catch (final IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });

            long bytesRead = 0;
            for (int i = 0; i < requests; i++)
            {
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), "response " + i + ": " + response.statusLine());
                final int expected = lengthOf(i);
                assertEquals(expected, response.body().length, "response " + i + " is another request's");
                assertArrayEquals(java.util.Arrays.copyOf(pattern, expected), response.body(), "response " + i);
                bytesRead += response.body().length;
                if (bytesRead > 16 * 1024)
                {
                    // the slow reader: the CM's output backs up and the requests it reads ahead must wait
                    bytesRead = 0;
                    Thread.sleep(1);
                }
            }
            sent.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCloseEverySlowlorisConnectionWith408AtTheHeadTimeoutAndServeOthersMeanwhile() throws Exception
    {
        final int connections = 1_000;
        try (Instance instance = new Instance("--workers", "1", "--head-timeout-ms", "1500"))
        {
            final List<RawHttp> slow = new ArrayList<>();
            try
            {
                for (int i = 0; i < connections; i++)
                {
                    slow.add(new RawHttp(instance.port(), 60_000).send("GET /hello HTTP/1.1\r\nHost: x\r\n"));
                }
                // one header line now and then: before the fix each re-armed the timeout, forever
                final CountDownLatch answered = new CountDownLatch(connections);
                final Thread trickle = Thread.ofPlatform().daemon().start(() ->
                {
                    for (int round = 0; round < 600 && answered.getCount() > 0; round++)
                    {
                        for (final RawHttp client : slow)
                        {
                            try
                            {
                                client.send("X-Slow: " + round + "\r\n");
                            }
                            catch (final IOException closed)
                            {
                                // answered and closed: expected
                            }
                        }
                        sleepMs(200);
                    }
                });

                try (RawHttp other = new RawHttp(instance.port()))
                {
                    other.send(RawHttp.get("/hello"));
                    assertEquals("Hello, world!", other.read().text());
                }

                for (final RawHttp client : slow)
                {
                    final RawHttp.Response response = client.read();
                    assertEquals(408, response.status(), response.statusLine());
                    assertTrue(response.closes());
                    assertTrue(client.awaitClosedByServer());
                    answered.countDown();
                }
                trickle.join();
            }
            finally
            {
                for (final RawHttp client : slow)
                {
                    client.close();
                }
            }
        }
    }

    @Test
    void shouldCutOffABodyThatTricklesBelowTheMinimumRate() throws Exception
    {
        try (Instance instance = new Instance("--workers", "1", "--head-timeout-ms", "1000", "--min-body-rate", "1000");
             RawHttp client = new RawHttp(instance.port(), 60_000))
        {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
            // /echo streams the body back as it comes, so its 200 head has left before the cut-off: the cut-off
            // shows as the connection closing with the echoed body short (a handler that reads the body first
            // would get a 408)
            final CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return client.input().readAllBytes();
                }
                catch (final IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            // ten bytes every 100 ms: 100 B/s, a tenth of the minimum
            int sent = 0;
            for (int i = 0; i < 600 && !answer.isDone(); i++)
            {
                try
                {
                    client.send("0123456789");
                    sent += 10;
                }
                catch (final IOException closed)
                {
                    break;
                }
                sleepMs(100);
            }
            final String answered = new String(answer.get(60, TimeUnit.SECONDS), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(answered.startsWith("HTTP/1.1 200") || answered.startsWith("HTTP/1.1 408"), answered);
            assertTrue(sent < 100_000, "the trickle was never cut off");
            assertTrue(answered.length() < 100_000, "the whole body was echoed: " + answered.length() + " bytes");
            assertEquals(0, instance.awaitChannelsInUse(0, 30_000), "the cut-off request's channel is returned");

            try (RawHttp next = new RawHttp(instance.port()))
            {
                next.send(RawHttp.get("/hello"));
                assertEquals("Hello, world!", next.read().text());
            }
        }
    }

    @Test
    void shouldLoseOnlyTheConnectionWhoseHandlingThrewAnError() throws Exception
    {
        try (LogCapture log = LogCapture.of("io.switchboard.cm");
             Instance instance = withTestFault("connection", "--workers", "1"))
        {
            try (RawHttp victim = new RawHttp(instance.port()))
            {
                victim.send(RawHttp.get("/__switchboard/test-fault"));
                assertTrue(victim.awaitClosedByServer(), "the connection whose handling threw is closed");
            }
            assertTrue(log.contains("test fault in a connection's handling"), String.join("\n", log.messages()));

            try (RawHttp next = new RawHttp(instance.port()))
            {
                next.send(RawHttp.get("/hello"));
                assertEquals("Hello, world!", next.read().text());
            }
            assertEquals("running", instance.admin("GET", "/admin/status").field("state"));
        }
    }

    @Test
    void shouldStopServingAndSayFailedWhenTheIoLoopItselfThrows() throws Exception
    {
        try (LogCapture log = LogCapture.of("io.switchboard.cm");
             Instance instance = withTestFault("loop", "--workers", "1"))
        {
            try (RawHttp trigger = new RawHttp(instance.port()))
            {
                trigger.send(RawHttp.get("/__switchboard/test-fault"));
                assertTrue(trigger.awaitClosedByServer(), "the thread's connections are closed when it ends");
            }
            while (instance.cm().failure() == null)
            {
                Thread.sleep(10);
            }
            assertNotNull(instance.cm().failure());
            assertTrue(log.contains("the thread cannot go on"), String.join("\n", log.messages()));
            assertEquals("failed", instance.admin("GET", "/admin/status").field("state"));
            // not a zombie that accepts and never answers: the listener is closed
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", instance.port()), 5_000);
                throw new AssertionError("a failed instance still accepts connections");
            }
            catch (final ConnectException expected)
            {
                // refused
            }
        }
    }

    private static Instance withTestFault(final String mode, final String... args)
    {
        // read when the I/O threads are made, so only this instance has the hook
        System.setProperty("switchboard.test.ioFault", mode);
        try
        {
            return new Instance(args);
        }
        finally
        {
            System.clearProperty("switchboard.test.ioFault");
        }
    }

    private static byte[] pattern(final Instance instance) throws IOException
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/bytes?n=251"));
            return client.read().body();
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
