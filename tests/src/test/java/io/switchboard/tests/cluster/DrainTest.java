package io.switchboard.tests.cluster;

import io.switchboard.tests.LoopbackHttp;
import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.rpc.SessionLostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /admin/drain} on a real instance: answered 202 at once (and 202 again, idempotently), {@code /ready}
 * 503 from then on while new requests are still served through the readiness grace; then the listeners close, a
 * session between calls is ended (GOODBYE 9: the client's listener hears it is lost) while a session with a call in
 * flight keeps its channel until the answer, and the process exits 0 by itself.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DrainTest
{
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(90);

    @Test
    void shouldTurnUnreadyServeThroughTheGraceFinishTheCallInFlightAndExitZero(@TempDir final Path dir)
        throws Exception
    {
        final Path gate = dir.resolve("gate");
        try (InstanceProcess instance = InstanceProcess.start("--drain-ms", "120000",
            "--shutdown-ready-grace-ms", "5000");
            Session idle = connect(instance);
            Session busy = connect(instance))
        {
            assertEquals(200, instance.admin("GET", "/ready").status());
            final AtomicReference<SessionLostException> lost = new AtomicReference<>();
            final CountDownLatch idleLost = new CountDownLatch(1);
            idle.onLost((session, cause) ->
            {
                lost.set(cause);
                idleLost.countDown();
            });
            final TestApp.Probe probe = busy.lookup("probe", TestApp.Probe.class);
            final int started = probe.sleepsStarted();
            final CompletableFuture<Boolean> inFlight =
                busy.lookup("slow", TestApp.SlowAsync.class).awaitFile(gate.toString());
            while (probe.sleepsStarted() != started + 1)
            {
                Thread.sleep(10);
            }

            final LoopbackHttp.Reply drain = instance.admin("POST", "/admin/drain");
            assertEquals(202, drain.status(), drain.body());
            assertTrue(drain.body().startsWith("draining: "), drain.body());
            assertEquals(new LoopbackHttp.Reply(503, "not ready: draining (the instance is stopping)\n"),
                instance.admin("GET", "/ready"), "unready from the 202 on");
            assertEquals(new LoopbackHttp.Reply(200, "Hello, world!"), instance.client("/hello"),
                "a new connection after the 503, in the grace");
            final LoopbackHttp.Reply again = instance.admin("POST", "/admin/drain");
            assertEquals(new LoopbackHttp.Reply(202, "draining already: the instance is stopping\n"), again);

            while (!refuses(instance.port))
            {
                Thread.sleep(10);
            }
            assertTrue(idleLost.await(60, TimeUnit.SECONDS), "the idle session is ended once the listeners close");
            assertTrue(lost.get().getMessage().contains("SHUTTING_DOWN"), lost.get().getMessage());
            assertThrows(SessionLostException.class, () -> idle.lookup("probe", TestApp.Probe.class).pid(),
                "later calls on the lost session");
            assertFalse(inFlight.isDone(), "the call in flight goes on: " + inFlight);
            assertTrue(instance.process.isAlive(), "the instance waits for the call in flight");

            Files.createFile(gate);
            assertTrue(inFlight.get(60, TimeUnit.SECONDS), "the call in flight is answered during the drain");
            assertTrue(instance.process.waitFor(120, TimeUnit.SECONDS), "the instance did not stop: " + instance.log);
            assertEquals(0, instance.process.exitValue(), instance.output());
        }
    }

    private static Session connect(final InstanceProcess instance)
    {
        return Switchboard.connect(java.util.List.of(instance.rpcAddress()), TestApp.APPLICATION,
            ClientOptions.defaults().withDefaultDeadline(CALL_DEADLINE));
    }

    static boolean refuses(final int port) throws java.io.IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return false;
        }
        catch (final ConnectException ex)
        {
            return true;
        }
    }
}
