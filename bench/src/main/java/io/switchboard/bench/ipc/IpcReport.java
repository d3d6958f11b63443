package io.switchboard.bench.ipc;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints the ipc suite's figures as one table (each shared-memory round trip
 * with the worker's side on FFM, then on JNA, one row under the other), the
 * ratios the acceptance criteria name with their targets, and last a
 * {@code SUMMARY} line of
 * {@code key=value} pairs (medians; NaN for a figure that was not measured)
 * for scripts.
 */
final class IpcReport
{
    private static final String RULE = "-".repeat(96);

    private final IpcFigures figures;
    private final MachineInfo machine;
    private final String contention;
    private final IpcSuiteOptions options;

    /**
     * @param contention what other processes and the hypervisor took from the machine during the run.
     */
    IpcReport(final IpcFigures figures, final MachineInfo machine, final String contention, final IpcSuiteOptions options)
    {
        this.figures = figures;
        this.machine = machine;
        this.contention = contention;
        this.options = options;
    }

    /**
     * @return false when a figure the run was asked for is missing (its benchmark failed).
     */
    boolean isComplete()
    {
        if (!options.include().isEmpty())
        {
            return true;
        }

        return null != figures.cacheLine() && null != figures.shmSpin() && null != figures.jnaSpin() &&
            null != figures.shmFutex() && null != figures.jnaFutex() && null != figures.tcp() &&
            null != figures.uds() && null != figures.shm64() && null != figures.shm4k() &&
            (options.idleSeconds() == 0 || !Double.isNaN(figures.idleCpuPct()));
    }

    void print(final PrintStream out)
    {
        out.println();
        out.println(RULE);
        out.printf(Locale.ROOT, "Switchboard ipc suite: %d cores, %s, kernel %s, JDK %s%n",
            machine.cores(), machine.os(), machine.kernel(), machine.jdk());
        out.printf(Locale.ROOT, "JMH 1 fork, warmup %d x %d s, measurement %d x %d s; load average %s at start, %s at end%n",
            options.warmupIterations(), options.warmupSeconds(), options.measurementIterations(), options.measurementSeconds(),
            machine.loadAverage(), MachineInfo.currentLoadAverage());
        out.printf(Locale.ROOT, "during the run: %s (column \"others\": during each trial; above a few %%, rerun)%n",
            contention);
        out.println(RULE);

        out.printf(Locale.ROOT, "%-44s %12s %12s %12s %10s %8s%n",
            "round trip of a 64-byte message", "p50", "p99", "mean", "samples", "others");
        roundTrip(out, "cacheline_rtt  hardware floor, 1 line each way", figures.cacheLine());
        roundTrip(out, "shm_spin_rtt   shared memory, spinning", figures.shmSpin());
        roundTrip(out, "jna_spin_rtt   the same, worker on JNA", figures.jnaSpin());
        roundTrip(out, "shm_futex_rtt  shared memory, futex parked", figures.shmFutex());
        roundTrip(out, "jna_futex_rtt  the same, worker on JNA", figures.jnaFutex());
        roundTrip(out, "tcp_rtt        loopback TCP, TCP_NODELAY", figures.tcp());
        roundTrip(out, "uds_rtt        Unix domain socket", figures.uds());
        if (null != figures.shmSpin() && figures.shmSpin().trials() > 1)
        {
            out.printf(Locale.ROOT, "  (shm_* and jna_*: medians of %d rounds of %d x %d s, FFM and JNA peers alternating;%n" +
                "   samples and mean over all rounds)%n", figures.shmSpin().trials(),
                PairedRoundTrips.measurementIterations(options), options.measurementSeconds());
        }
        out.println();

        out.printf(Locale.ROOT, "%-44s %12s %12s %12s %10s %8s%n",
            "one way, one channel", "median/s", "min/s", "max/s", "MB/s", "others");
        throughput(out, "shm_64b_msgs_per_s  64-byte messages", figures.shm64());
        throughput(out, "shm_4k_msgs_per_s   4-KiB messages", figures.shm4k());
        out.println();

        out.printf(Locale.ROOT, "%-44s %12s %12s %12s%n", "acceptance (medians)", "value", "target", "");
        check(out, "shm_spin_rtt", microseconds(p50(figures.shmSpin())), "< 1 µs",
            p50(figures.shmSpin()) < 1_000);
        final double spinOverLine = p50(figures.shmSpin()) / p50(figures.cacheLine());
        check(out, "shm_spin_rtt / cacheline_rtt (for reading)", ratio(spinOverLine), "", true);
        final double tcpOverSpin = p50(figures.tcp()) / p50(figures.shmSpin());
        check(out, "tcp_rtt / shm_spin_rtt", ratio(tcpOverSpin), ">= 50", tcpOverSpin >= 50);
        final double futexOverTcp = p50(figures.shmFutex()) / p50(figures.tcp());
        check(out, "shm_futex_rtt / tcp_rtt", ratio(futexOverTcp), "< 1", futexOverTcp < 1);
        final double futexOverUds = p50(figures.shmFutex()) / p50(figures.uds());
        check(out, "shm_futex_rtt / uds_rtt", ratio(futexOverUds), "<= 1.1", futexOverUds <= 1.1);
        final double jnaOverSpin = p50(figures.jnaSpin()) / p50(figures.shmSpin());
        check(out, "jna_spin_rtt / shm_spin_rtt", ratio(jnaOverSpin), "<= 1.5", jnaOverSpin <= 1.5);
        final double jnaOverFutex = p50(figures.jnaFutex()) / p50(figures.shmFutex());
        check(out, "jna_futex_rtt / shm_futex_rtt", ratio(jnaOverFutex), "<= 1.1", jnaOverFutex <= 1.1);
        final double messages64 = median(figures.shm64());
        check(out, "shm_64b_msgs_per_s", millions(messages64), ">= 10 M/s", messages64 >= 10e6);
        check(out, "idle_cpu_pct (CM + worker, one core = 100)", String.format(Locale.ROOT, "%.2f %%", figures.idleCpuPct()),
            "≈ 0 (< 1 %)", figures.idleCpuPct() < 1.0);
        out.println(RULE);

        out.printf(Locale.ROOT,
            "SUMMARY shm_spin_rtt_ns=%.0f shm_futex_rtt_ns=%.0f tcp_rtt_ns=%.0f uds_rtt_ns=%.0f " +
            "shm_64b_msgs_per_s=%.0f shm_4k_msgs_per_s=%.0f idle_cpu_pct=%.2f jna_spin_rtt_ns=%.0f jna_futex_rtt_ns=%.0f%n",
            p50(figures.shmSpin()), p50(figures.shmFutex()), p50(figures.tcp()), p50(figures.uds()),
            median(figures.shm64()), median(figures.shm4k()), figures.idleCpuPct(),
            p50(figures.jnaSpin()), p50(figures.jnaFutex()));
    }

    private static void roundTrip(final PrintStream out, final String label, final IpcFigures.RoundTrip figure)
    {
        if (null == figure)
        {
            out.printf(Locale.ROOT, "  %-42s %12s%n", label, "not measured (see the JMH output above)");
            return;
        }

        out.printf(Locale.ROOT, "  %-42s %12s %12s %12s %10d %8s%n", label,
            microseconds(figure.p50Ns()), microseconds(figure.p99Ns()), microseconds(figure.meanNs()), figure.samples(),
            percent(figure.othersPct()));
    }

    private static void throughput(final PrintStream out, final String label, final IpcFigures.Throughput figure)
    {
        if (null == figure)
        {
            out.printf(Locale.ROOT, "  %-42s %12s%n", label, "not measured (see the JMH output above)");
            return;
        }

        out.printf(Locale.ROOT, "  %-42s %12s %12s %12s %10.0f %8s%n", label,
            millions(figure.medianPerSecond()), millions(figure.minPerSecond()), millions(figure.maxPerSecond()),
            figure.megabytesPerSecond(), percent(figure.othersPct()));
    }

    private static void check(final PrintStream out, final String label, final String value, final String target, final boolean met)
    {
        out.printf(Locale.ROOT, "  %-42s %12s %12s %12s%n", label, value, target,
            value.startsWith("NaN") ? "n/a" : target.isEmpty() ? "" : met ? "met" : "MISSED");
    }

    private static double p50(final IpcFigures.RoundTrip figure)
    {
        return null == figure ? Double.NaN : figure.p50Ns();
    }

    private static double median(final IpcFigures.Throughput figure)
    {
        return null == figure ? Double.NaN : figure.medianPerSecond();
    }

    private static String microseconds(final double ns)
    {
        return String.format(Locale.ROOT, "%.3f µs", ns / 1_000);
    }

    private static String millions(final double perSecond)
    {
        return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
    }

    private static String percent(final double value)
    {
        return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%.1f %%", value);
    }

    private static String ratio(final double value)
    {
        return String.format(Locale.ROOT, "%.2f x", value);
    }
}
