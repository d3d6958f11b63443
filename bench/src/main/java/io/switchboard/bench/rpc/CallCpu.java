package io.switchboard.bench.rpc;

import io.switchboard.bench.ipc.ProcessCpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.function.Supplier;

/**
 * The CPU that the processes taking part in a case use over its measured window: utime + stime of each from
 * {@code /proc/<pid>/stat}, all threads together, read before and after. Divided by the calls made, it is what a
 * call costs the machine, wherever the work was done; the share of each process says where.
 */
final class CallCpu
{
    /**
     * The processes of one role taking part: the role's name in the table and where their pids come from when the
     * window opens (the CM's worker JVMs, the worker and its warm spare, are looked up each time).
     */
    record Party(String role, Supplier<long[]> pids)
    {
    }

    /**
     * What a window measured: the CPU of each party in microseconds, in the order they were given.
     */
    record Usage(List<String> roles, double[] cpuUs)
    {
        double totalUs()
        {
            double total = 0;
            for (final double us : cpuUs)
            {
                total += us;
            }
            return total;
        }
    }

    private final List<Party> parties;
    private long[][] pids;
    private long[] startTicks;
    private Map<String, Long> startThreadTicks;

    CallCpu(final List<Party> parties)
    {
        this.parties = List.copyOf(parties);
    }

    void start()
    {
        pids = new long[parties.size()][];
        startTicks = new long[parties.size()];
        for (int i = 0; i < pids.length; i++)
        {
            pids[i] = parties.get(i).pids().get();
            startTicks[i] = ticks(pids[i]);
        }
        startThreadTicks = threadTicks();
    }

    /**
     * @return the CPU of each thread of the parties since {@link #start()}, in microseconds, the busiest first, as
     * lines {@code role pid thread-name us}: where the CPU of a case goes (a profile without a profiler).
     */
    List<String> threadsSinceStart(final int limit)
    {
        final Map<String, Long> now = threadTicks();
        final List<Map.Entry<String, Long>> used = new ArrayList<>();
        for (final Map.Entry<String, Long> thread : now.entrySet())
        {
            final long ticks = thread.getValue() - startThreadTicks.getOrDefault(thread.getKey(), 0L);
            if (ticks > 0)
            {
                used.add(Map.entry(thread.getKey(), ticks));
            }
        }
        used.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, used.size()); i++)
        {
            lines.add(String.format(Locale.ROOT, "%-40s %10.0f us", used.get(i).getKey(),
                used.get(i).getValue() * 1e6 / ProcessCpu.TICKS_PER_SECOND));
        }
        return lines;
    }

    private Map<String, Long> threadTicks()
    {
        final Map<String, Long> ticks = new HashMap<>();
        for (int i = 0; i < pids.length; i++)
        {
            for (final long pid : pids[i])
            {
                try
                {
                    final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                    final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    ticks.put(parties.get(i).role() + " " + pid + " (all threads, user)", Long.parseLong(fields[11]));
                    ticks.put(parties.get(i).role() + " " + pid + " (all threads, system)", Long.parseLong(fields[12]));
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("cannot read the CPU of " + pid, ex);
                }
                try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task")))
                {
                    for (final Path task : tasks)
                    {
                        try
                        {
                            final String stat = Files.readString(task.resolve("stat"));
                            final String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                            ticks.put(parties.get(i).role() + " " + pid + " " + task.getFileName() + " " + name,
                                Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                        }
                        catch (final IOException ex)
                        {
                            // the thread ended: its time is lost to the table, not to the totals
                        }
                    }
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("cannot list the threads of " + pid, ex);
                }
            }
        }
        return ticks;
    }

    Usage stop()
    {
        final double[] cpuUs = new double[pids.length];
        final List<String> roles = new ArrayList<>();
        for (int i = 0; i < pids.length; i++)
        {
            cpuUs[i] = (ticks(pids[i]) - startTicks[i]) * 1e6 / ProcessCpu.TICKS_PER_SECOND;
            roles.add(parties.get(i).role());
        }
        return new Usage(roles, cpuUs);
    }

    private static long ticks(final long[] pids)
    {
        long ticks = 0;
        for (final long pid : pids)
        {
            ticks += ProcessCpu.ticks(pid);
        }
        return ticks;
    }
}
