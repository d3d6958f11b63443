package io.switchboard.bench.ipc;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The shared-memory round trips, run in rounds that alternate the peer's backend: FFM spin, JNA spin, FFM futex,
 * JNA futex, then again. The figures that decide are ratios of JNA to FFM, and on this kind of host a trial's
 * round trip moves by a third or more with where the two vCPUs are placed, which changes every few minutes: run
 * one after the other (as JMH runs a benchmark's parameters) the two sides of a ratio can land on different
 * placements; alternated, every placement is shared by both, and the median of the rounds
 * ({@link IpcFigures}) sets one aside. As {@code bench http} interleaves its targets, for the same reason.
 * <p>
 * Each round's trial is shorter than a lone trial (2 warmup iterations, half the measurement iterations, rounded
 * up); the rounds together measure more.
 */
final class PairedRoundTrips
{
    private static final int WARMUP_ITERATIONS_PER_ROUND = 2;

    private PairedRoundTrips()
    {
    }

    /**
     * @param base a fresh builder of the suite's JMH options for each trial (forks, JVM options, verbosity).
     * @return every trial's result, in the order run.
     */
    static List<RunResult> run(final Supplier<ChainedOptionsBuilder> base, final IpcSuiteOptions options)
        throws RunnerException
    {
        final List<RunResult> results = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++)
        {
            for (final IdleMode idle : IdleMode.values())
            {
                for (final PeerNative peer : PeerNative.values())
                {
                    System.out.printf("# round %d of %d: %s, peer on %s%n", round, options.rounds(), idle, peer);
                    final ChainedOptionsBuilder trial = base.get()
                        .include("^" + Pattern.quote(ShmRoundTripBenchmark.class.getName()) + "\\.")
                        .param("idle", idle.name())
                        .param("peerNative", peer.name())
                        .warmupIterations(Math.min(WARMUP_ITERATIONS_PER_ROUND, options.warmupIterations()))
                        .warmupTime(TimeValue.seconds(options.warmupSeconds()))
                        .measurementIterations(measurementIterations(options))
                        .measurementTime(TimeValue.seconds(options.measurementSeconds()));
                    results.addAll(new Runner(trial.build()).run());
                }
            }
        }
        return results;
    }

    /**
     * @return the measurement iterations of one round's trial: half a lone trial's, rounded up.
     */
    static int measurementIterations(final IpcSuiteOptions options)
    {
        return (options.measurementIterations() + 1) / 2;
    }
}
