package io.switchboard.tests.http;

import io.switchboard.testsupport.LogCapture;
import io.switchboard.tests.worker.HookedApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Applications' start and stop hooks with real worker JVMs: start before the worker is READY, stop once its
 * requests have ended when it is replaced; a start hook that throws keeps the worker from starting, with the
 * application's exception in the CM's log, and the CM's backoff and crash-loop parking apply.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApplicationHooksTest
{
    static final String WORKER_JVM = "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    @TempDir
    Path dir;

    @Test
    void shouldStartBeforeReadyAndStopAReplacedWorkerAfterItsRequestEnded() throws Exception
    {
        final Path log = dir.resolve("hooks.log");
        try (LogCapture output = LogCapture.of("io.switchboard.worker.output");
             Instance instance = new Instance("--workers", "1", "--route", "/hooked=hooked",
            "--worker-jvm-option", WORKER_JVM + " -D" + HookedApplication.LOG_PROPERTY + "=" + log))
        {
            final Set<Long> ready = instance.readyWorkerPids();
            assertEquals(1, ready.size(), ready.toString());
            final long worker = ready.iterator().next();
            assertTrue(lines(log).contains("start " + worker), "READY before its start hook ran: " + lines(log));

            try (RawHttp client = new RawHttp(instance.port(), 60_000))
            {
                client.send(RawHttp.get("/hooked?ms=1000"));
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (instance.channelsInUse() < 1 && System.nanoTime() - deadlineNs < 0)
                {
                    Thread.sleep(5);
                }
                assertEquals(202, instance.admin("POST", "/admin/workers/restart").status());
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), response.statusLine());
                assertEquals(Long.toString(worker), response.text(), "the request went to another worker");
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!lines(log).contains("stop " + worker) && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(20);
            }
            assertEquals(List.of("start " + worker, "end " + worker, "stop " + worker),
                lines(log).stream().filter(line -> line.endsWith(" " + worker)).toList(),
                "the replaced worker's hooks and request, in order");
            // what it printed while it stopped reaches the CM's log (the relay reads until the worker's end)
            final String stopped = "hooked: stopping " + worker;
            while (!output.contains(stopped) && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(20);
            }
            assertTrue(output.contains(stopped), output.messages().toString());
        }
    }

    @Test
    void shouldNotStartAWorkerWhoseStartHookThrowsAndParkTheSlotAfterTheBackoff() throws Exception
    {
        final Path fail = Files.createFile(dir.resolve("fail"));
        try (LogCapture output = LogCapture.of("io.switchboard.worker.output"))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new Instance(
                "--workers", "1", "--route", "/hooked=hooked",
                "--crash-loop-deaths", "2", "--restart-delay-min-ms", "100", "--restart-delay-max-ms", "200",
                "--worker-jvm-option", WORKER_JVM + " -D" + HookedApplication.FAIL_FILE_PROPERTY + "=" + fail));

            assertTrue(refused.getMessage().startsWith("worker slot 0 is crash-looping: 2 workers exited before READY"),
                refused.getMessage());
            assertTrue(refused.getMessage().contains("with status 5"), refused.getMessage());
            assertTrue(output.contains("application hooked failed to start: java.lang.IllegalStateException: " +
                HookedApplication.FAILURE), output.messages().toString());
        }
    }

    private static List<String> lines(final Path log) throws java.io.IOException
    {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
