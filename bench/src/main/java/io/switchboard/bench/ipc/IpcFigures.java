package io.switchboard.bench.ipc;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The figures of one ipc suite run, picked out of JMH's results by benchmark
 * and parameter. A figure whose benchmark failed or did not run is null (NaN
 * for the idle CPU), and the report says so instead of printing a zero.
 *
 * @param cacheLine  the hardware floor: one cache line each way between two processes.
 * @param shmSpin    shared-memory round trip, both sides spinning.
 * @param jnaSpin    the same with the peer, the worker's side, on JNA.
 * @param shmFutex   shared-memory round trip, both sides parked on the futex.
 * @param jnaFutex   the same with the peer on JNA.
 * @param tcp        loopback TCP round trip.
 * @param uds        Unix domain socket round trip.
 * @param shm64      one-way shared-memory throughput of 64-byte messages.
 * @param shm4k      one-way shared-memory throughput of 4-KiB messages.
 * @param idleCpuPct CPU of an idle CM and worker together, percent of one core.
 */
record IpcFigures(
    RoundTrip cacheLine,
    RoundTrip shmSpin,
    RoundTrip jnaSpin,
    RoundTrip shmFutex,
    RoundTrip jnaFutex,
    RoundTrip tcp,
    RoundTrip uds,
    Throughput shm64,
    Throughput shm4k,
    double idleCpuPct)
{
    /**
     * A round-trip time distribution, in nanoseconds.
     */
    record RoundTrip(double p50Ns, double p99Ns, double meanNs, long samples, int trials, double othersPct)
    {
        /**
         * @param results the trials of one case: one, or one per round ({@link PairedRoundTrips}), whose
         *                percentiles are the medians of the trials' (a round on a bad vCPU placement is set aside,
         *                not averaged in).
         */
        static RoundTrip of(final List<RunResult> results, final double othersPct)
        {
            if (results.isEmpty())
            {
                return null;
            }

            final double[] p50 = new double[results.size()];
            final double[] p99 = new double[results.size()];
            double weightedMean = 0;
            long samples = 0;
            for (int i = 0; i < results.size(); i++)
            {
                final Statistics statistics = results.get(i).getPrimaryResult().getStatistics();
                p50[i] = statistics.getPercentile(50);
                p99[i] = statistics.getPercentile(99);
                weightedMean += statistics.getMean() * statistics.getN();
                samples += statistics.getN();
            }
            return new RoundTrip(median(p50), median(p99), weightedMean / samples, samples, results.size(), othersPct);
        }

        private static double median(final double[] values)
        {
            Arrays.sort(values);
            final int middle = values.length / 2;
            return (values.length & 1) == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
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
            roundTrip(results, contentionDirectory, CacheLinePingPongBenchmark.class),
            shmRoundTrip(results, contentionDirectory, IdleMode.SPIN, PeerNative.FFM),
            shmRoundTrip(results, contentionDirectory, IdleMode.SPIN, PeerNative.JNA),
            shmRoundTrip(results, contentionDirectory, IdleMode.PARK, PeerNative.FFM),
            shmRoundTrip(results, contentionDirectory, IdleMode.PARK, PeerNative.JNA),
            roundTrip(results, contentionDirectory, SocketRoundTripBenchmark.class, new Param("transport", SocketTransport.TCP)),
            roundTrip(results, contentionDirectory, SocketRoundTripBenchmark.class, new Param("transport", SocketTransport.UDS)),
            throughput(results, contentionDirectory, 64),
            throughput(results, contentionDirectory, 4096),
            idleCpuPct);
    }

    /**
     * One JMH parameter of a trial and the value it had.
     */
    private record Param(String name, String value)
    {
        Param(final String name, final Object value)
        {
            this(name, value.toString());
        }
    }

    private static RoundTrip shmRoundTrip(
        final Collection<RunResult> results, final Path contentionDirectory, final IdleMode idle, final PeerNative peerNative)
    {
        return roundTrip(
            results, contentionDirectory, ShmRoundTripBenchmark.class,
            new Param("idle", idle), new Param("peerNative", peerNative));
    }

    private static RoundTrip roundTrip(
        final Collection<RunResult> results, final Path contentionDirectory, final Class<?> benchmark, final Param... params)
    {
        return RoundTrip.of(
            find(results, benchmark, params), TrialContention.read(contentionDirectory, trialKey(benchmark, params)));
    }

    private static Throughput throughput(
        final Collection<RunResult> results, final Path contentionDirectory, final int messageLength)
    {
        final Param param = new Param("messageLength", messageLength);
        final List<RunResult> found = find(results, ShmThroughputBenchmark.class, param);
        return Throughput.of(
            found.isEmpty() ? null : found.get(0), messageLength,
            TrialContention.read(contentionDirectory, trialKey(ShmThroughputBenchmark.class, param)));
    }

    /**
     * @return the key under which the trial wrote its contention: see {@link TrialContention#end}.
     */
    private static String trialKey(final Class<?> benchmark, final Param... params)
    {
        final StringBuilder key = new StringBuilder(benchmark.getSimpleName());
        for (final Param param : params)
        {
            key.append('-').append(param.value());
        }

        return key.toString();
    }

    /**
     * @return every trial of {@code benchmark} with {@code params}, in the order run: several for a case run in
     * rounds.
     */
    private static List<RunResult> find(final Collection<RunResult> results, final Class<?> benchmark, final Param... params)
    {
        final List<RunResult> found = new ArrayList<>();
        for (final RunResult result : results)
        {
            final BenchmarkParams benchmarkParams = result.getParams();
            if (benchmarkParams.getBenchmark().startsWith(benchmark.getName() + ".") && matches(benchmarkParams, params))
            {
                found.add(result);
            }
        }

        return found;
    }

    private static boolean matches(final BenchmarkParams benchmarkParams, final Param... params)
    {
        for (final Param param : params)
        {
            if (!param.value().equals(benchmarkParams.getParam(param.name())))
            {
                return false;
            }
        }

        return true;
    }
}
