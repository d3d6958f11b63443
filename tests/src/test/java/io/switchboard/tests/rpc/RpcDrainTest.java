package io.switchboard.tests.rpc;

import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.rpc.ShuttingDownException;
import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling restart drains a worker that carries a distributed session: the session's new calls are refused with
 * SHUTTING_DOWN (ERROR 9), the call it had in flight runs to its answer, and once the client leaves the worker is
 * replaced.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RpcDrainTest
{
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(60);
    private static Instance instance;

    @BeforeAll
    static void start()
    {
        // long enough that the CM never stops the draining worker before the test lets its session go
        instance = new Instance("--workers", "1", "--drain-ms", "120000");
    }

    @AfterAll
    static void stop()
    {
        instance.close();
    }

    @Test
    void aDrainingWorkerRefusesNewCallsAndAnswersTheOneInFlight(@TempDir final Path dir) throws Exception
    {
        Await.equals(1, () -> instance.readyWorkerPids().size(), "the worker READY");
        final long old = instance.readyWorkerPids().iterator().next();
        final Path gate = dir.resolve("gate");
        try (Session session = connect())
        {
            final TestServices.Probe probe = session.withDeadline(session.lookup("probe", TestServices.Probe.class),
                CALL_DEADLINE);
            assertEquals(old, probe.pid());
            final int started = probe.sleepsStarted();
            final CompletableFuture<Boolean> inFlight = session.withDeadline(
                session.lookup("slow", TestServices.SlowAsync.class), CALL_DEADLINE).awaitFile(gate.toString());
            Await.equals(started + 1, probe::sleepsStarted, "the call runs on the worker");

            assertTrue(instance.cm().supervisor().restartAll(), "a rolling restart begins");
            Await.isTrue(() -> refusedAsShuttingDown(probe), "new calls refused once the worker drains");
            assertFalse(inFlight.isDone(), "the call received before goes on: " + inFlight);

            Files.createFile(gate);
            assertTrue(inFlight.get(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS), "the call in flight is answered");
        }
        Await.isTrue(() -> instance.readyWorkerPids().size() == 1 && !instance.readyWorkerPids().contains(old),
            "the drained worker replaced");
        try (Session again = connect())
        {
            assertNotEquals(old, again.lookup("probe", TestServices.Probe.class).pid(), "served by the replacement");
        }
    }

    private static boolean refusedAsShuttingDown(final TestServices.Probe probe)
    {
        try
        {
            probe.pid();
            return false;
        }
        catch (final ShuttingDownException ex)
        {
            return ex.getMessage().contains("takes no new calls");
        }
    }

    private static Session connect() throws Exception
    {
        return Switchboard.connect("127.0.0.1", instance.rpcPort(), "test",
            ClientOptions.defaults().withDefaultDeadline(CALL_DEADLINE));
    }
}
