package io.switchboard.tests.cluster;

import io.switchboard.tests.LoopbackHttp;
import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.rpc.SessionLostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling upgrade of three instances behind HAProxy under a steady load of HTTP requests and RPC calls: each
 * instance in turn is drained ({@code POST /admin/drain}), exits 0, and is started again on its ports; the next
 * goes once HAProxy has it back up. No HTTP request fails. No RPC call that was sent fails: a call that crossed the
 * draining CM's GOODBYE 9 on the wire is still answered. The one failure allowed is a {@link SessionLostException}
 * for a call started after the client read the notice, which is never sent (the session is ending); its client then
 * opens a new session through HAProxy and goes on.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class RollingUpgradeTest
{
    private static final int HTTP_CLIENTS = 6;
    private static final int RPC_CLIENTS = 6;

    @Test
    void shouldUpgradeEveryInstanceThroughDrainWithoutAFailedRequest() throws Exception
    {
        try (Cluster cluster = Cluster.start(3, "--drain-ms", "10000"))
        {
            final ClientOptions options = ClientOptions.defaults().withDefaultDeadline(Duration.ofSeconds(30));
            final AtomicLong calls = new AtomicLong();
            final AtomicLong sessionsLost = new AtomicLong();
            final ConcurrentLinkedQueue<String> rpcFailures = new ConcurrentLinkedQueue<>();
            final List<Thread> rpcClients = new ArrayList<>();
            final boolean[] running = {true};
            for (int c = 0; c < RPC_CLIENTS; c++)
            {
                rpcClients.add(Thread.ofPlatform().name("rpc-load-" + c).start(() ->
                {
                    Session session = null;
                    while (running[0])
                    {
                        try
                        {
                            if (session == null || !session.isOpen() || session.isEnding())
                            {
                                session = Switchboard.connect(List.of(cluster.rpcAddress()), TestApp.APPLICATION,
                                    options);
                            }
                            session.lookup("probe", TestApp.Probe.class).pid();
                            calls.incrementAndGet();
                            Thread.sleep(5);
                        }
                        catch (final SessionLostException ex)
                        {
                            // allowed only for a call started after the notice, refused without being sent
                            if (session != null && session.isEnding() && ex.getMessage().contains("not sent"))
                            {
                                sessionsLost.incrementAndGet();
                            }
                            else
                            {
                                rpcFailures.add("a call sent before the notice was lost: " + ex);
                            }
                        }
                        catch (final InterruptedException ex)
                        {
                            return;
                        }
                        catch (final RuntimeException ex)
                        {
                            rpcFailures.add(ex.toString());
                        }
                    }
                    if (session != null)
                    {
                        session.close();
                    }
                }));
            }

            try (HttpLoad load = new HttpLoad(cluster.url("/hello"), "Hello, world!", HTTP_CLIENTS))
            {
                while (load.completed() < 200 || calls.get() < 100)
                {
                    Thread.sleep(10);
                }
                for (int i = 0; i < cluster.instances.size(); i++)
                {
                    final InstanceProcess old = cluster.instances.get(i);
                    final LoopbackHttp.Reply drain = old.admin("POST", "/admin/drain");
                    assertEquals(202, drain.status(), drain.body());
                    assertTrue(old.process.waitFor(120, TimeUnit.SECONDS), "instance " + i + " did not stop");
                    assertEquals(0, old.process.exitValue(), old.output());
                    cluster.restart(i);
                    final long upAgain = load.nextNumber();
                    final long callsBefore = calls.get();
                    while (load.completedFrom(upAgain) < 200 || calls.get() < callsBefore + 100)
                    {
                        Thread.sleep(10);
                    }
                }
                running[0] = false;
                load.stop();
                for (final Thread client : rpcClients)
                {
                    client.join();
                }

                assertEquals(List.of(), load.failures(), "HTTP requests failed during the rolling upgrade");
                assertEquals(List.of(), List.copyOf(rpcFailures), "RPC calls failed other than by a call started after GOODBYE 9");
                assertTrue(load.completed() > 1_000, "load went on throughout: " + load.completed());
                System.out.println("rolling upgrade: " + load.completed() + " requests, " + calls.get() +
                    " RPC calls, " + sessionsLost.get() + " calls started after GOODBYE 9 refused with SessionLostException");
            }
            finally
            {
                running[0] = false;
            }
        }
    }
}
