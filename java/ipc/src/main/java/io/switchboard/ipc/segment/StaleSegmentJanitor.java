package io.switchboard.ipc.segment;

import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.nativeshim.Shim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the segments of CMs that died without removing them (a {@code kill -9},
 * a crash) and removes them, so that shared memory does not leak across
 * restarts. A CM runs it before creating its own segment.
 * <p>
 * A segment is stale when the CM recorded in its header (pid and start time)
 * is no longer alive, or, for one that never got its header (its CM died while
 * creating it), when the pid in its name is not alive. Anything else under our
 * prefix that cannot be read is left alone: it is not ours to judge.
 */
public final class StaleSegmentJanitor
{
    private static final Path SHM_DIRECTORY = Path.of("/dev/shm");

    private StaleSegmentJanitor()
    {
    }

    /**
     * @return the names of the segments removed.
     */
    public static List<String> removeStaleSegments()
    {
        final List<String> removed = new ArrayList<>();
        if (!Files.isDirectory(SHM_DIRECTORY))
        {
            return removed;
        }

        try (DirectoryStream<Path> entries = Files.newDirectoryStream(SHM_DIRECTORY, SegmentNames.PREFIX + "*"))
        {
            for (final Path entry : entries)
            {
                final String name = "/" + entry.getFileName();
                if (isStale(name) && Shim.shmUnlink(name) == 0)
                {
                    removed.add(name);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + SHM_DIRECTORY, ex);
        }

        return removed;
    }

    static boolean isStale(final String name)
    {
        try (SharedSegment segment = SharedSegment.attach(name))
        {
            return !segment.cmProcess().isAlive();
        }
        catch (final SegmentIncompatibleException ex)
        {
            final int pid = SegmentNames.creatorPid(name);
            return pid > 0 && Shim.processStartTime(pid) < 0 && ex.isUninitialised();
        }
        catch (final NativeCallException ex)
        {
            return false;
        }
    }

}
