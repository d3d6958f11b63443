package io.switchboard.bench.rpc;

import io.switchboard.bench.ipc.ProcessCpu;

import java.util.ArrayList;
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
