package io.switchboard.bench.ipc;

import io.switchboard.ipc.nativeshim.Errno;
import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.nativeshim.Shim;
import io.switchboard.testsupport.JavaProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What an instance with no traffic costs: two real processes, a CM that creates
 * a segment and a worker that attaches to it ({@link IdleNode}), each blocked
 * in its polling loop on its doorbell. After they settle, the CPU time both
 * use (utime + stime of every thread, from {@code /proc}) is read over a
 * measurement window.
 * <pre>
 *   IdleNode cm  ---- creates ----> segment <---- attaches ---- IdleNode worker
 *   parks on CM doorbell 0 (100 ms)                 parks on worker doorbell 0 (100 ms)
 *                 /proc/pid/stat utime+stime, read by this JVM
 * </pre>
 * The figure includes everything the two JVMs do while idle (JIT and GC
 * threads, safepoints), not only the polling loops: that is what a user pays.
 */
final class IdleCpuProbe
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private IdleCpuProbe()
    {
    }

    /**
     * @param settleMs  how long to leave both processes alone before measuring.
     * @param measureMs the measurement window.
     * @return CPU used by both processes together, in percent of one core.
     */
    static double measure(final long settleMs, final long measureMs)
    {
        final Path directory = createDirectory();
        final Path cmLog = JavaProcess.newLog("idle-cm");
        final Path workerLog = JavaProcess.newLog("idle-worker");
        Process cm = null;
        Process worker = null;
        String segmentName = null;
        try
        {
            final Path cmStatus = directory.resolve("cm.status");
            cm = JavaProcess.start(IdleNode.class, cmLog, "cm", cmStatus.toString());
            segmentName = awaitStatus(cm, cmStatus, cmLog);
            if (!Files.exists(Path.of("/dev/shm", segmentName.substring(1))))
            {
                throw new IllegalStateException("the idle CM reported segment " + segmentName + " but /dev/shm lacks it");
            }

            final Path workerStatus = directory.resolve("worker.status");
            worker = JavaProcess.start(IdleNode.class, workerLog, "worker", workerStatus.toString(), segmentName);
            final String status = awaitStatus(worker, workerStatus, workerLog);
            if (!IdleNode.READY.equals(status))
            {
                throw new IllegalStateException("idle worker status: " + status);
            }

            sleepMs(settleMs);
            final long startNs = System.nanoTime();
            final long startTicks = ProcessCpu.ticks(cm.pid()) + ProcessCpu.ticks(worker.pid());
            sleepMs(measureMs);
            final long endTicks = ProcessCpu.ticks(cm.pid()) + ProcessCpu.ticks(worker.pid());
            final long elapsedNs = System.nanoTime() - startNs;
            checkAlive(cm, cmLog);
            checkAlive(worker, workerLog);

            final double cpuSeconds = (double)(endTicks - startTicks) / ProcessCpu.TICKS_PER_SECOND;
            return 100.0 * cpuSeconds / (elapsedNs / 1e9);
        }
        finally
        {
            JavaProcess.kill(worker);
            JavaProcess.kill(cm);
            if (null != segmentName)
            {
                unlink(segmentName);
            }
            deleteQuietly(directory.resolve("cm.status"));
            deleteQuietly(directory.resolve("worker.status"));
            deleteQuietly(directory);
        }
    }

    private static String awaitStatus(final Process process, final Path statusFile, final Path log)
    {
        final long deadlineNs = System.nanoTime() + START_TIMEOUT_NS;
        while (!Files.exists(statusFile))
        {
            checkAlive(process, log);
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("idle node did not start; its log " + log + ":\n" + PeerLogs.tail(log));
            }
            sleepMs(5);
        }

        try
        {
            return Files.readString(statusFile, StandardCharsets.UTF_8).trim();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void checkAlive(final Process process, final Path log)
    {
        if (!process.isAlive())
        {
            throw new IllegalStateException(
                "idle node exited with status " + process.exitValue() + "; its log " + log + ":\n" + PeerLogs.tail(log));
        }
    }

    /**
     * The CM node was killed, so it could not remove its segment: do it for it.
     */
    private static void unlink(final String segmentName)
    {
        final int rc = Shim.shmUnlink(segmentName);
        if (rc != 0 && -rc != Errno.ENOENT)
        {
            throw new NativeCallException("shm_unlink", segmentName, -rc);
        }
    }

    private static Path createDirectory()
    {
        try
        {
            return Files.createTempDirectory("switchboard-idle-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignored)
        {
            // a temporary file left behind is harmless
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
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
