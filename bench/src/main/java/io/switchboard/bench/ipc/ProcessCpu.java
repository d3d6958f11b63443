package io.switchboard.bench.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the CPU time a process has used, all its threads together, from
 * {@code /proc/<pid>/stat}: fields 14 (utime) and 15 (stime), in clock ticks.
 */
public final class ProcessCpu
{
    /**
     * USER_HZ: the unit of the tick counts in {@code /proc}. Fixed at 100 by the
     * kernel's user ABI on every architecture we run on, whatever CONFIG_HZ is
     * ({@code getconf CLK_TCK} prints it).
     */
    public static final int TICKS_PER_SECOND = 100;

    /** utime and stime, counted from the field after the command name's closing parenthesis (field 3, state). */
    private static final int UTIME_INDEX = 14 - 3;
    private static final int STIME_INDEX = 15 - 3;

    private ProcessCpu()
    {
    }

    /**
     * @return utime + stime of {@code pid}, in ticks of 1/{@value #TICKS_PER_SECOND} s.
     */
    public static long ticks(final long pid)
    {
        final String stat;
        try
        {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/stat", ex);
        }

        // the command name may hold spaces and parentheses: the fields start after the last ')'
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[UTIME_INDEX]) + Long.parseLong(fields[STIME_INDEX]);
    }
}
