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
        return Throughput.of(
            find(results, ShmThroughputBenchmark.class, param), messageLength,
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

    private static RunResult find(final Collection<RunResult> results, final Class<?> benchmark, final Param... params)
    {
        for (final RunResult result : results)
        {
            final BenchmarkParams benchmarkParams = result.getParams();
            if (benchmarkParams.getBenchmark().startsWith(benchmark.getName() + ".") && matches(benchmarkParams, params))
            {
                return result;
            }
        }

        return null;
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
