package io.switchboard.bench.ipc;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code ipc} suite: every transport benchmark in one JMH run (one fork
 * each, one after the other, never two at once on a two-core machine), but the
 * shared-memory round trips, which run in rounds alternating the peer's backend
 * ({@link PairedRoundTrips}); then the idle measurement, then one table and a
 * {@code SUMMARY} line that scripts can parse.
 */
public final class IpcSuite
{
    public static final String DESCRIPTION =
        "shared-memory round trips (spinning, futex; the worker on FFM and on JNA) and one-way throughput " +
        "against loopback TCP and Unix sockets, " +
        "plus the CPU of an idle instance";
    public static final String USAGE = IpcSuiteOptions.USAGE;

    /** Run once each; {@link ShmRoundTripBenchmark} runs in {@link PairedRoundTrips}. */
    private static final List<Class<?>> BENCHMARKS = List.of(
        CacheLinePingPongBenchmark.class, SocketRoundTripBenchmark.class, ShmThroughputBenchmark.class);

    /**
     * The forks' JVM options. They replace the benchmarks' own {@code @Fork(jvmArgsAppend)}
     * (JMH takes one or the other), so they repeat them, and add where each trial
     * writes what other processes took from the machine.
     */
    private static final List<String> FORK_JVM_ARGS = List.of("--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m");

    private IpcSuite()
    {
    }

    /**
     * @return the process exit status: 0 when every figure was measured, 1 when some are missing.
     */
    public static int run(final String[] args) throws RunnerException
    {
        final IpcSuiteOptions options;
        try
        {
            options = IpcSuiteOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            return 2;
        }

        final MachineInfo machine = MachineInfo.now();
        final CpuContention start = CpuContention.now();
        final Path contentionDirectory = createDirectory();
        final List<RunResult> results = new ArrayList<>();
        if (BENCHMARKS.stream().anyMatch(benchmark -> isIncluded(options, benchmark)))
        {
            results.addAll(new Runner(jmhOptions(options, contentionDirectory).build()).run());
        }
        if (isIncluded(options, ShmRoundTripBenchmark.class))
        {
            results.addAll(PairedRoundTrips.run(() -> baseOptions(contentionDirectory), options));
        }

        double idleCpuPct = Double.NaN;
        if (options.idleSeconds() > 0)
        {
            System.out.println();
            System.out.println("# idle: two processes on one segment, adaptive idle strategy (100 ms parks); settling " +
                options.idleSettleSeconds() + " s, measuring " + options.idleSeconds() + " s");
            try
            {
                idleCpuPct = IdleCpuProbe.measure(options.idleSettleSeconds() * 1000L, options.idleSeconds() * 1000L);
            }
            catch (final RuntimeException ex)
            {
                System.out.println("# idle measurement failed:");
                ex.printStackTrace(System.out);
            }
        }

        final CpuContention end = CpuContention.now();
        final String contention = null == end ? "unknown" : end.describeSince(start);
        final IpcFigures figures = IpcFigures.from(results, idleCpuPct, contentionDirectory);
        deleteDirectory(contentionDirectory);
        final IpcReport report = new IpcReport(figures, machine, contention, options);
        report.print(System.out);
        return report.isComplete() ? 0 : 1;
    }

    private static boolean isIncluded(final IpcSuiteOptions options, final Class<?> benchmark)
    {
        return options.include().isEmpty() || Pattern.compile(options.include()).matcher(benchmark.getName()).find();
    }

    /**
     * @return what every trial of the suite shares: one fork, its JVM options, keep going after a failure.
     */
    private static ChainedOptionsBuilder baseOptions(final Path contentionDirectory)
    {
        final List<String> jvmArgs = new ArrayList<>(FORK_JVM_ARGS);
        jvmArgs.add("-D" + TrialContention.DIRECTORY_PROPERTY + "=" + contentionDirectory);
        return new OptionsBuilder()
            .forks(1)
            .jvmArgsAppend(jvmArgs.toArray(String[]::new))
            .shouldFailOnError(false)
            .verbosity(VerboseMode.NORMAL);
    }

    private static ChainedOptionsBuilder jmhOptions(final IpcSuiteOptions options, final Path contentionDirectory)
    {
        final ChainedOptionsBuilder builder = baseOptions(contentionDirectory)
            .warmupIterations(options.warmupIterations())
            .warmupTime(TimeValue.seconds(options.warmupSeconds()))
            .measurementIterations(options.measurementIterations())
            .measurementTime(TimeValue.seconds(options.measurementSeconds()));

        if (options.include().isEmpty())
        {
            for (final Class<?> benchmark : BENCHMARKS)
            {
                builder.include("^" + Pattern.quote(benchmark.getName()) + "\\.");
            }
        }
        else
        {
            builder.include(options.include());
        }
        // in rounds of their own
        builder.exclude("^" + Pattern.quote(ShmRoundTripBenchmark.class.getName()) + "\\.");

        if (null != options.json())
        {
            builder.result(options.json().toString()).resultFormat(ResultFormatType.JSON);
        }

        return builder;
    }

    private static Path createDirectory()
    {
        try
        {
            return Files.createTempDirectory("switchboard-bench-contention-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void deleteDirectory(final Path directory)
    {
        try (var files = Files.list(directory))
        {
            for (final Path file : files.toList())
            {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        }
        catch (final IOException ignored)
        {
            // a few bytes left in the temporary directory are harmless
        }
    }
}
