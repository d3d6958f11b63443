package io.switchboard.tests.admin;

import io.switchboard.tests.LoopbackHttp;
import io.switchboard.tests.LoopbackHttp.Reply;
import io.switchboard.tests.worker.HookedApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a prober sees while an instance starts, on a real CM process whose only worker is held in its
 * application's start hook by a file the test deletes: the admin listener answers from before the workers start
 * ({@code /health} 200, {@code /ready} 503 "starting", a rolling restart refused), the client listener is not open
 * yet, and once the worker is released the instance turns ready and serves.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartupProbeTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAnswerProbesWhileTheFirstWorkersStart() throws Exception
    {
        final Path hold = Files.createFile(dir.resolve("hold"));
        try (CmUnderTest cm = CmUnderTest.startAdminFirst("--workers", "1", "--route", "/hooked=hooked",
            "--worker-jvm-option", "-D" + HookedApplication.HOLD_FILE_PROPERTY + "=" + hold))
        {
            assertEquals(new Reply(200, "ok\n"), cm.admin("/health"));
            final Reply ready = cm.admin("/ready");
            assertEquals(503, ready.status(), ready.body());
            assertTrue(ready.body().startsWith("not ready: starting"), ready.body());
            assertEquals(409, cm.admin("POST", "/admin/workers/restart").status(),
                "a rolling restart while the first workers start");
            assertEquals(200, cm.admin("/admin/status").status());
            assertFalse(cm.output().contains("listening on"), "the client listener opened before its workers were READY");

            Files.delete(hold);
            final int port = cm.awaitClientPort();

            final Reply readyNow = cm.admin("/ready");
            assertEquals(200, readyNow.status(), readyNow.body());
            final Reply served = LoopbackHttp.exchange(port, "GET", "/hooked");
            assertEquals(200, served.status(), served.body());
        }
    }
}
