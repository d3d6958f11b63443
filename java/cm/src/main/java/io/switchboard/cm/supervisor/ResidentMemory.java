package io.switchboard.cm.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's resident set size from {@code /proc/<pid>/status} (Linux),
 * for recycling workers that grew too large. The CM cannot see a worker's heap
 * from outside; the RSS is what the host pays for.
 */
final class ResidentMemory
{
    private ResidentMemory()
    {
    }

    /**
     * @return the resident set size of {@code pid} in bytes, or -1 if it cannot be read (gone, not Linux).
     */
    static long rssBytes(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    // "VmRSS:     123456 kB"
                    final String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return Long.parseLong(fields[0]) * 1024;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }
}
