package io.switchboard.bench.fuzz;

import io.switchboard.cm.http.ChunkedBodyFuzzTarget;
import io.switchboard.cm.http.HttpFuzzCorpus;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.http.RequestHeadFuzzTarget;
import io.switchboard.testsupport.fuzz.FuzzFailure;
import io.switchboard.testsupport.fuzz.FuzzReport;
import io.switchboard.testsupport.fuzz.FuzzTarget;
import io.switchboard.testsupport.fuzz.Fuzzer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The long run of the HTTP codec fuzz ({@code HttpCodecFuzzTest} is the short
 * one, with the same targets and corpus): the request head parser under small
 * and default limits and the chunked decoder, round-robin in slices of one
 * second, until the time is up. Prints each target's cases and distinct
 * outcomes, every failure with its case seed, and a last line for scripts:
 * <pre>
 *   SUMMARY cases=1234567 failures=0 outcomes=212 seconds=60 seed=42
 * </pre>
 * One thread: the machine is shared. Exits 1 if anything failed.
 * <pre>
 *   ./switchboard bench fuzz [--seconds N] [--seed S]
 * </pre>
 */
public final class HttpFuzz
{
    public static final String DESCRIPTION = "seeded random fuzzing of the HTTP request head parser and chunked decoder";
    public static final String USAGE = "fuzz options:\n  --seconds N   how long to run (default 60)\n" +
        "  --seed S      the run's seed (default: the time); a failure prints its case seed to replay";

    private static final long SLICE_NS = TimeUnit.SECONDS.toNanos(1);

    private HttpFuzz()
    {
    }

    public static int run(final String[] args)
    {
        long seconds = 60;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default ->
                {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }

        final List<Fuzzer> fuzzers = new ArrayList<>();
        final List<FuzzTarget> targets = List.of(
            new RequestHeadFuzzTarget(HttpFuzzCorpus.SMALL_LIMITS, "http-request-head-small-limits"),
            new RequestHeadFuzzTarget(HttpLimits.DEFAULT, "http-request-head-default-limits"),
            new ChunkedBodyFuzzTarget(HttpFuzzCorpus.SMALL_LIMITS));
        final List<List<byte[]>> corpora = List.of(
            HttpFuzzCorpus.REQUESTS, HttpFuzzCorpus.REQUESTS, HttpFuzzCorpus.CHUNKED_BODIES);
        final long[] cases = new long[targets.size()];
        final long[] failures = new long[targets.size()];
        final List<java.util.Set<String>> outcomes = new ArrayList<>();
        final List<FuzzFailure> kept = new ArrayList<>();

        System.out.println("fuzzing for " + seconds + " s, seed " + seed + ": " + DESCRIPTION);
        final long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long slice = 0;
        while (System.nanoTime() - endNs < 0)
        {
            for (int t = 0; t < targets.size() && System.nanoTime() - endNs < 0; t++)
            {
                if (outcomes.size() <= t)
                {
                    outcomes.add(new java.util.TreeSet<>());
                }
                // a fresh seed per slice, derived from the run's: the run replays from its seed alone
                final long sliceSeed = seed * 31 + slice * targets.size() + t;
                final Fuzzer fuzzer = new Fuzzer(targets.get(t), corpora.get(t), HttpFuzzCorpus.mutator(), sliceSeed);
                final FuzzReport report = fuzzer.run(Long.MAX_VALUE, Math.min(endNs, System.nanoTime() + SLICE_NS));
                cases[t] += report.cases();
                failures[t] += report.failureCount();
                outcomes.get(t).addAll(report.outcomes().keySet());
                for (final FuzzFailure failure : report.failures())
                {
                    if (kept.size() < 20)
                    {
                        kept.add(failure);
                        System.out.println("FAILURE " + report.target() + " " + failure.describe());
                    }
                }
            }
            slice++;
        }

        long totalCases = 0;
        long totalFailures = 0;
        int totalOutcomes = 0;
        for (int t = 0; t < targets.size(); t++)
        {
            System.out.printf("%-36s cases=%d failures=%d distinct outcomes=%d%n",
                targets.get(t).name(), cases[t], failures[t], outcomes.size() > t ? outcomes.get(t).size() : 0);
            totalCases += cases[t];
            totalFailures += failures[t];
            totalOutcomes += outcomes.size() > t ? outcomes.get(t).size() : 0;
        }
        System.out.println("SUMMARY cases=" + totalCases + " failures=" + totalFailures + " outcomes=" + totalOutcomes +
            " seconds=" + seconds + " seed=" + seed);
        return totalFailures == 0 ? 0 : 1;
    }
}
