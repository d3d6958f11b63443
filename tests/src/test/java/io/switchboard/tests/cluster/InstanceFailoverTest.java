package io.switchboard.tests.cluster;

import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.rpc.SessionLostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@code kill -9} of one whole instance (CM and worker) of three behind HAProxy, under HTTP load and with 30
 * sessions open through HAProxy: every request that starts after HAProxy has marked the instance down succeeds;
 * before that, at most the requests in flight fail (one per load client), and none hangs; the sessions, spread
 * over the three instances at connect, are lost (listener told, call in flight failed with
 * {@link SessionLostException}) on the killed instance only, and their reconnects land on the other two.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class InstanceFailoverTest
{
    private static final int LOAD_CLIENTS = 8;
    private static final int SESSIONS = 30;
    /** Beyond the test's timeout: a call left hanging would fail the test rather than its deadline. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(600);

    @Test
    void shouldServeEveryRequestAfterTheMarkDownAndMoveTheLostSessions(@TempDir final Path dir) throws Exception
    {
        try (Cluster cluster = Cluster.start(3))
        {
            final List<Long> workerPids = new ArrayList<>();
            for (final InstanceProcess instance : cluster.instances)
            {
                workerPids.add(instance.workerPid());
            }
            final ClientOptions options = ClientOptions.defaults().withDefaultDeadline(CALL_DEADLINE);
            final List<Session> sessions = new ArrayList<>();
            final Map<Session, Long> servedBy = new HashMap<>();
            final Map<Session, AtomicInteger> lost = new HashMap<>();
            final CountDownLatch victimsLost;
            final int victim = 1;
            try
            {
                for (int s = 0; s < SESSIONS; s++)
                {
                    final Session session = Switchboard.connect(List.of(cluster.rpcAddress()), TestApp.APPLICATION,
                        options);
                    sessions.add(session);
                    servedBy.put(session, session.lookup("probe", TestApp.Probe.class).pid());
                }
                for (final long pid : workerPids)
                {
                    final long count = servedBy.values().stream().filter(p -> p == pid).count();
                    assertTrue(count >= 5, "sessions spread by least connections: " + count + " on worker " + pid);
                }
                final List<Session> victims = sessions.stream()
                    .filter(s -> servedBy.get(s).longValue() == workerPids.get(victim).longValue()).toList();
                victimsLost = new CountDownLatch(victims.size());
                for (final Session session : sessions)
                {
                    final AtomicInteger told = new AtomicInteger();
                    lost.put(session, told);
                    session.onLost((which, cause) ->
                    {
                        told.incrementAndGet();
                        victimsLost.countDown();
                    });
                }
                final Session carrier = victims.getFirst();
                final TestApp.Probe probe = carrier.lookup("probe", TestApp.Probe.class);
                final int started = probe.sleepsStarted();
                final CompletableFuture<Boolean> inFlight = carrier.lookup("slow", TestApp.SlowAsync.class)
                    .awaitFile(dir.resolve("never").toString());
                while (probe.sleepsStarted() != started + 1)
                {
                    Thread.sleep(10);
                }

                try (HttpLoad load = new HttpLoad(cluster.url("/hello"), "Hello, world!", LOAD_CLIENTS))
                {
                    while (load.completed() < 300)
                    {
                        Thread.sleep(10);
                    }
                    cluster.instances.get(victim).killHard();
                    cluster.awaitHttpDown(victim);
                    final long markedDown = load.nextNumber();
                    while (load.completedFrom(markedDown) < 500)
                    {
                        Thread.sleep(10);
                    }
                    load.stop();

                    assertEquals(List.of(), load.failuresFrom(markedDown), "requests started after the mark-down");
                    assertTrue(load.failures().size() <= LOAD_CLIENTS,
                        "at most the requests in flight failed: " + load.failures());
                    assertEquals(0, load.hung(), "no request hung");
                }

                final ExecutionException failure = assertThrows(ExecutionException.class, inFlight::get);
                assertInstanceOf(SessionLostException.class, failure.getCause(), "the call in flight");
                assertTrue(victimsLost.await(60, TimeUnit.SECONDS), "every session of the killed instance lost");
                for (final Session session : sessions)
                {
                    final boolean isVictim = servedBy.get(session).longValue() == workerPids.get(victim).longValue();
                    assertEquals(isVictim ? 1 : 0, lost.get(session).get(), "told once, and only if on the victim");
                    assertEquals(!isVictim, session.isOpen());
                    if (!isVictim)
                    {
                        assertEquals(servedBy.get(session), session.lookup("probe", TestApp.Probe.class).pid(),
                            "a session of a live instance goes on");
                    }
                }
                for (final Session gone : victims)
                {
                    final Session again = Switchboard.connect(List.of(cluster.rpcAddress()), TestApp.APPLICATION,
                        options);
                    sessions.add(again);
                    final long pid = again.lookup("probe", TestApp.Probe.class).pid();
                    assertNotEquals(workerPids.get(victim), pid, "a reconnect lands on a live instance");
                    assertTrue(workerPids.contains(pid));
                }
            }
            finally
            {
                sessions.forEach(Session::close);
            }
        }
    }
}
