package io.switchboard.bench.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much of the machine something other than this suite used while it ran:
 * spinning benchmarks on two cores are only as good as the cores are free, so
 * the report says whether they were.
 * <p>
 * Busy time of the whole machine comes from {@code /proc/stat}; the suite's own
 * share is this JVM's CPU time plus that of its reaped children (the JMH forks,
 * and through them the peer processes, all waited for), fields 14 to 17 of
 * {@code /proc/self/stat}. The difference is everyone else. Steal is time the
 * hypervisor gave the virtual CPUs to someone else.
 *
 * @param machineBusyTicks busy ticks of all CPUs (user, nice, system, irq, softirq).
 * @param stealTicks       ticks stolen by the hypervisor, all CPUs.
 * @param totalTicks       all ticks of all CPUs, idle included.
 * @param ownTicks         this process's and its reaped children's CPU ticks.
 */
record CpuContention(long machineBusyTicks, long stealTicks, long totalTicks, long ownTicks)
{
    static CpuContention now()
    {
        try
        {
            final String[] cpu = Files.readString(Path.of("/proc/stat")).lines()
                .filter(line -> line.startsWith("cpu "))
                .findFirst()
                .orElseThrow()
                .trim()
                .split("\\s+");
            final long user = Long.parseLong(cpu[1]);
            final long nice = Long.parseLong(cpu[2]);
            final long system = Long.parseLong(cpu[3]);
            final long idle = Long.parseLong(cpu[4]);
            final long iowait = Long.parseLong(cpu[5]);
            final long irq = Long.parseLong(cpu[6]);
            final long softirq = Long.parseLong(cpu[7]);
            final long steal = cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;

            final String self = Files.readString(Path.of("/proc/self/stat"));
            final String[] fields = self.substring(self.lastIndexOf(')') + 2).trim().split(" ");
            // fields[11..14] are utime, stime, cutime, cstime (stat fields 14 to 17)
            final long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) +
                Long.parseLong(fields[13]) + Long.parseLong(fields[14]);

            final long busy = user + nice + system + irq + softirq;
            return new CpuContention(busy, steal, busy + idle + iowait + steal, own);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * @return the share of the machine (all CPUs) others used between {@code start} and this snapshot, in percent.
     */
    double othersPctSince(final CpuContention start)
    {
        final long total = totalTicks - start.totalTicks;
        if (total <= 0)
        {
            return Double.NaN;
        }

        final long others = Math.max(0, (machineBusyTicks - start.machineBusyTicks) - (ownTicks - start.ownTicks));
        return 100.0 * others / total;
    }

    /**
     * @return what others used between {@code start} and this snapshot, as
     * "others used 3.1 % of the machine, steal 0.0 %", or "unknown".
     */
    String describeSince(final CpuContention start)
    {
        if (null == start || totalTicks <= start.totalTicks)
        {
            return "unknown";
        }

        final double total = totalTicks - start.totalTicks;
        return String.format(Locale.ROOT, "others used %.1f %% of the machine, steal %.1f %%",
            othersPctSince(start), 100.0 * (stealTicks - start.stealTicks) / total);
    }
}
