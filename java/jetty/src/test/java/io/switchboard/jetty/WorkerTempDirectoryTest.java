package io.switchboard.jetty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class WorkerTempDirectoryTest
{
    @Test
    void shouldRemoveTheDirectoriesOfProcessesGoneAndKeepTheRest(@TempDir final Path root) throws Exception
    {
        // a process that has ended: its pid names no process now (or, reused at once, one started later)
        final Process ended = new ProcessBuilder("true").start();
        assertTrue(ended.waitFor(30, TimeUnit.SECONDS));
        final Path ofEnded = unpacked(root, WorkerTempDirectory.name(ended.pid(), 1L));
        // a running process, and a directory of its pid from an earlier process (the pid reused since)
        final Process running = new ProcessBuilder("sleep", "60").start();
        try
        {
            final long started = WorkerTempDirectory.startMillis(running.toHandle());
            final Path ofRunning = unpacked(root, WorkerTempDirectory.name(running.pid(), started));
            final Path ofEarlier = unpacked(root, WorkerTempDirectory.name(running.pid(), started - 60_000));
            final Path notOurs = Files.createDirectories(root.resolve("notes"));

            final Path own = WorkerTempDirectory.create(root);

            assertEquals(root.resolve(WorkerTempDirectory.name(ProcessHandle.current().pid(),
                WorkerTempDirectory.startMillis(ProcessHandle.current()))), own);
            assertTrue(Files.isDirectory(own));
            assertFalse(Files.exists(ofEnded), "the directory of a process gone is removed, with what it held");
            assertFalse(Files.exists(ofEarlier), "a pid reused by a process started later does not keep it");
            assertTrue(Files.isRegularFile(ofRunning.resolve("webapp/WEB-INF/lib/app.jar")), "a live worker's stays");
            assertTrue(Files.isDirectory(notOurs), "a name not a worker's is left alone");
        }
        finally
        {
            running.destroyForcibly();
            running.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldTakeNoOtherNameForAWorkersDirectory()
    {
        assertFalse(WorkerTempDirectory.isOfProcessGone("notes"));
        assertFalse(WorkerTempDirectory.isOfProcessGone("-12"));
        assertFalse(WorkerTempDirectory.isOfProcessGone("12-"));
        assertFalse(WorkerTempDirectory.isOfProcessGone("x-12"));
    }

    /**
     * @return a worker's directory as Jetty leaves it: a context's unpacked web application.
     */
    private static Path unpacked(final Path root, final String name) throws Exception
    {
        final Path directory = root.resolve(name);
        final Path lib = Files.createDirectories(directory.resolve("webapp/WEB-INF/lib"));
        Files.write(lib.resolve("app.jar"), new byte[1024]);
        return directory;
    }
}
