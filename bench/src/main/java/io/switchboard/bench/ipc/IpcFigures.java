package io.switchboard.bench.ipc;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

import java.nio.file.Path;
import java.util.Collection;

/**
 * The figures of one ipc suite run, picked out of JMH's results by benchmark
 * and parameter. A figure whose benchmark failed or did not run is null (NaN
 * for the idle CPU), and the report says so instead of printing a zero.
 *
 * @param cacheLine  the hardware floor: one cache line each way between two processes.
 * @param shmSpin    shared-memory round trip, both sides spinning.
 * @param shmFutex   shared-memory round trip, both sides parked on the futex.
 * @param tcp        loopback TCP round trip.
 * @param uds        Unix domain socket round trip.
 * @param shm64      one-way shared-memory throughput of 64-byte messages.
 * @param shm4k      one-way shared-memory throughput of 4-KiB messages.
 * @param idleCpuPct CPU of an idle CM and worker together, percent of one core.
 */
record IpcFigures(
    RoundTrip cacheLine,
    RoundTrip shmSpin,
    RoundTrip shmFutex,
    RoundTrip tcp,
    RoundTrip uds,
    Throughput shm64,
    Throughput shm4k,
    double idleCpuPct)
{
    /**
     * A round-trip time distribution, in nanoseconds.
     */
    record RoundTrip(double p50Ns, double p99Ns, double meanNs, long samples, double othersPct)
    {
        static RoundTrip of(final RunResult result, final double othersPct)
        {
            if (null == result)
            {
                return null;
            }

            final Statistics statistics = result.getPrimaryResult().getStatistics();
            return new RoundTrip(
                statistics.getPercentile(50), statistics.getPercentile(99), statistics.getMean(), statistics.getN(),
                othersPct);
        }
    }

    /**
     * Messages per second over the measurement iterations.
     */
    record Throughput(
        double medianPerSecond, double minPerSecond, double maxPerSecond, int messageLength, double othersPct)
    {
        static Throughput of(final RunResult result, final int messageLength, final double othersPct)
        {
            if (null == result)
            {
                return null;
            }

            final Statistics statistics = result.getPrimaryResult().getStatistics();
            return new Throughput(
                statistics.getPercentile(50), statistics.getMin(), statistics.getMax(), messageLength, othersPct);
        }

        double megabytesPerSecond()
        {
            return medianPerSecond * messageLength / 1e6;
        }
    }

    /**
     * @param contentionDirectory where each trial wrote what other processes took from the machine ({@link TrialContention}).
     */
    static IpcFigures from(final Collection<RunResult> results, final double idleCpuPct, final Path contentionDirectory)
    {
        return new IpcFigures(
            roundTrip(results, contentionDirectory, CacheLinePingPongBenchmark.class, null, null),
            roundTrip(results, contentionDirectory, ShmRoundTripBenchmark.class, "idle", IdleMode.SPIN.name()),
            roundTrip(results, contentionDirectory, ShmRoundTripBenchmark.class, "idle", IdleMode.PARK.name()),
            roundTrip(results, contentionDirectory, SocketRoundTripBenchmark.class, "transport", SocketTransport.TCP.name()),
            roundTrip(results, contentionDirectory, SocketRoundTripBenchmark.class, "transport", SocketTransport.UDS.name()),
            throughput(results, contentionDirectory, 64),
            throughput(results, contentionDirectory, 4096),
            idleCpuPct);
    }

    private static RoundTrip roundTrip(
        final Collection<RunResult> results,
        final Path contentionDirectory,
        final Class<?> benchmark,
        final String param,
        final String value)
    {
        final String key = benchmark.getSimpleName() + (null == value ? "" : "-" + value);
        return RoundTrip.of(find(results, benchmark, param, value), TrialContention.read(contentionDirectory, key));
    }

    private static Throughput throughput(
        final Collection<RunResult> results, final Path contentionDirectory, final int messageLength)
    {
        final String value = Integer.toString(messageLength);
        final String key = ShmThroughputBenchmark.class.getSimpleName() + "-" + value;
        return Throughput.of(
            find(results, ShmThroughputBenchmark.class, "messageLength", value), messageLength,
            TrialContention.read(contentionDirectory, key));
    }

    private static RunResult find(
        final Collection<RunResult> results, final Class<?> benchmark, final String param, final String value)
    {
        for (final RunResult result : results)
        {
            final BenchmarkParams params = result.getParams();
            if (params.getBenchmark().startsWith(benchmark.getName() + ".") &&
                (null == param || value.equals(params.getParam(param))))
            {
                return result;
            }
        }

        return null;
    }
}
