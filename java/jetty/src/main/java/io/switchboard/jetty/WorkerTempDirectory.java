package io.switchboard.jetty;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;

/**
 * The directory a worker's Jetty servers unpack their web applications into (a WAR's classes and jars, compiled
 * JSPs), one per worker process:
 * <pre>
 *   ${java.io.tmpdir}/switchboard-jetty-${user.name}/
 *       41873-1796294120133/          the worker of pid 41873 started at that epoch millisecond
 *           jetty-0_0_0_0-0-shop_war-_shop-any-8930206289996627942/    made and deleted by Jetty
 * </pre>
 * Why: Jetty deletes a context's directory when its server stops, but a worker that never stops its servers (killed
 * by {@code kill -9}, by the kernel's OOM killer, or by its CM's death) leaves it, a WAR's worth of files for every
 * such death, and by default in the system's temporary directory among everything else. So the directories are
 * kept together and named for their process, and each worker, before its first server, deletes those of workers no
 * longer running: no process of that pid, or one started at another time (the pid was reused). A directory of a
 * worker still running, of this instance or another, is left alone.
 */
final class WorkerTempDirectory
{
    private static final Logger LOG = LoggerFactory.getLogger(WorkerTempDirectory.class);

    private WorkerTempDirectory()
    {
    }

    /**
     * Makes this process's directory under {@code root}, first deleting those of processes gone.
     *
     * @param root e.g. {@link #defaultRoot()}.
     * @return the directory, empty or as this process left it.
     */
    static Path create(final Path root)
    {
        try
        {
            Files.createDirectories(root);
            final ProcessHandle self = ProcessHandle.current();
            final Path own = root.resolve(name(self.pid(), startMillis(self)));
            sweep(root, own);
            Files.createDirectories(own);
            // removed at exit once empty: Jetty deletes what it made when the servers stop, before the JVM ends
            own.toFile().deleteOnExit();
            return own;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot make the web applications' temporary directory under " + root +
                " (set java.io.tmpdir in --worker-jvm-option to a writable directory): " + ex.getMessage(), ex);
        }
    }

    static Path defaultRoot()
    {
        final String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "switchboard-jetty-" + user);
    }

    static String name(final long pid, final long startMillis)
    {
        return pid + "-" + startMillis;
    }

    /**
     * @return when the process started, in epoch milliseconds, or 0 where the system does not tell.
     */
    static long startMillis(final ProcessHandle process)
    {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static void sweep(final Path root, final Path own) throws IOException
    {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root))
        {
            for (final Path entry : entries)
            {
                if (!entry.equals(own) && Files.isDirectory(entry) && isOfProcessGone(entry.getFileName().toString()))
                {
                    try
                    {
                        deleteTree(entry);
                        removed++;
                    }
                    catch (final IOException ex)
                    {
                        // not this worker's to fail over: the next worker tries again
                        LOG.warn("cannot remove {}, left by a worker no longer running: {}", entry, ex.toString());
                    }
                }
            }
        }
        if (removed > 0)
        {
            LOG.info("removed {} web application directories of workers no longer running from {}", removed, root);
        }
    }

    /**
     * @return whether {@code name} is a worker's directory ({@code pid-startMillis}) whose process is gone; false
     * for any other name.
     */
    static boolean isOfProcessGone(final String name)
    {
        final int dash = name.indexOf('-');
        final long pid;
        final long startMillis;
        try
        {
            pid = Long.parseLong(name.substring(0, Math.max(dash, 0)));
            startMillis = Long.parseLong(name.substring(dash + 1));
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
        final Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive())
        {
            return true;
        }
        final long started = startMillis(process.get());
        // a different start is another process with a reused pid (either side unknown: taken as the same)
        return startMillis != 0 && started != 0 && started != startMillis;
    }

    private static void deleteTree(final Path directory) throws IOException
    {
        Files.walkFileTree(directory, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException
            {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(final Path file, final IOException ex) throws IOException
            {
                // another worker starting at the same time may be deleting the same tree
                if (ex instanceof NoSuchFileException)
                {
                    return FileVisitResult.CONTINUE;
                }
                throw ex;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException ex) throws IOException
            {
                if (ex != null && !(ex instanceof NoSuchFileException))
                {
                    throw ex;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
