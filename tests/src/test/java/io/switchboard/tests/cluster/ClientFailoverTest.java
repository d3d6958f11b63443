package io.switchboard.tests.cluster;

import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.rpc.SessionLostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java client with several addresses, against real instances: a refused address is passed over; {@code kill -9}
 * of the instance carrying the session fails its calls in flight with {@link SessionLostException} (none hangs:
 * their deadline is far beyond the test's timeout), tells the session's listener once, and a connect with the same
 * list lands on the instance still alive.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientFailoverTest
{
    /** Longer than the test's timeout: a call that waited for its deadline would fail the test by timing out. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(600);

    @Test
    void shouldPassOverADeadAddressLoseTheSessionOfAKilledInstanceAndReconnectToTheOther(@TempDir final Path dir)
        throws Exception
    {
        final InetSocketAddress refused = freeAddress();
        try (InstanceProcess first = InstanceProcess.start();
            InstanceProcess second = InstanceProcess.start())
        {
            final List<InetSocketAddress> addresses = List.of(refused, first.rpcAddress(), second.rpcAddress());
            final ClientOptions options = ClientOptions.defaults().withDefaultDeadline(CALL_DEADLINE)
                .withConnectTimeout(Duration.ofSeconds(5));
            final long firstWorker = first.workerPid();

            final Session session = Switchboard.connect(addresses, TestApp.APPLICATION, options);
            final TestApp.Probe probe = session.lookup("probe", TestApp.Probe.class);
            assertEquals(firstWorker, probe.pid(), "the refused address passed over, the first instance took it");

            final AtomicInteger told = new AtomicInteger();
            final CountDownLatch lost = new CountDownLatch(1);
            session.onLost((which, cause) ->
            {
                assertTrue(which == session);
                told.incrementAndGet();
                lost.countDown();
            });
            final TestApp.SlowAsync slow = session.lookup("slow", TestApp.SlowAsync.class);
            final int started = probe.sleepsStarted();
            final CompletableFuture<Boolean> one = slow.awaitFile(dir.resolve("never-1").toString());
            final CompletableFuture<Boolean> two = slow.awaitFile(dir.resolve("never-2").toString());
            while (probe.sleepsStarted() != started + 2)
            {
                Thread.sleep(10);
            }

            first.killHard();

            for (final CompletableFuture<Boolean> call : List.of(one, two))
            {
                final ExecutionException failure = assertThrows(ExecutionException.class, call::get);
                assertInstanceOf(SessionLostException.class, failure.getCause());
            }
            assertTrue(lost.await(60, TimeUnit.SECONDS));
            assertThrows(SessionLostException.class, probe::pid, "a later call");
            assertTrue(!session.isOpen());
            final CountDownLatch lateListener = new CountDownLatch(1);
            session.onLost((which, cause) -> lateListener.countDown());
            assertTrue(lateListener.await(60, TimeUnit.SECONDS), "a listener registered after the loss is told too");
            assertEquals(1, told.get(), "the first listener told once");

            try (Session again = Switchboard.connect(addresses, TestApp.APPLICATION, options))
            {
                final long pid = again.lookup("probe", TestApp.Probe.class).pid();
                assertNotEquals(firstWorker, pid);
                assertEquals(second.workerPid(), pid, "the live instance took the new session");
            }
            session.close();
        }
    }

    @Test
    void shouldNameEveryAddressWhenNoneTakesTheSession() throws Exception
    {
        final InetSocketAddress one = freeAddress();
        final InetSocketAddress two = freeAddress();
        final java.io.UncheckedIOException failure = assertThrows(java.io.UncheckedIOException.class,
            () -> Switchboard.connect(List.of(one, two), TestApp.APPLICATION));
        assertTrue(failure.getMessage().contains(":" + one.getPort() + ":") &&
            failure.getMessage().contains(":" + two.getPort() + ":"), failure.getMessage());
        assertEquals(2, failure.getSuppressed().length, "each failure suppressed in it");
    }

    /**
     * @return an address nothing listens on: a port the system handed out and that was closed again.
     */
    private static InetSocketAddress freeAddress() throws java.io.IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
    }
}
