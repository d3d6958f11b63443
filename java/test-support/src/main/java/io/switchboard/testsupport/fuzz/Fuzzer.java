package io.switchboard.testsupport.fuzz;

import java.util.List;
import java.util.Random;

/**
 * Seeded random fuzzing of one {@link FuzzTarget}: each case draws a seed from
 * the run's generator, and everything about the case (which corpus entry, which
 * mutations, how the target splits it) comes from a generator seeded with that
 * alone, so a failure replays with {@link #replay(long)} and nothing else.
 * <pre>{@code
 *   final FuzzReport report = new Fuzzer(target, corpus, mutator, 42).run(20_000, Long.MAX_VALUE);
 *   assertEquals(0, report.failureCount(), report::describe);
 * }</pre>
 * Inputs, case by case: most are mutations of a corpus entry; some are two
 * entries crossed (the head of one, the tail of another, then mutated); a few
 * are noise of interesting and random bytes after an optional valid prefix.
 * <p>
 * A failure does not stop the run: it is counted, the first few are kept with
 * their inputs, and the next case goes on (with the target's own reset: that
 * no state leaks from a failed case is for the target to check).
 * <p>
 * Not thread-safe; to use several cores, run one fuzzer per thread with its
 * own target and seed.
 */
public final class Fuzzer
{
    private final FuzzTarget target;
    private final List<byte[]> corpus;
    private final Mutator mutator;
    private final long seed;

    /**
     * @param corpus valid inputs to start from (not empty).
     * @param seed   the run's seed: the same seed, target and corpus give the same cases.
     */
    public Fuzzer(final FuzzTarget target, final List<byte[]> corpus, final Mutator mutator, final long seed)
    {
        if (corpus.isEmpty())
        {
            throw new IllegalArgumentException("an empty corpus: the fuzzer mutates valid inputs");
        }
        this.target = target;
        this.corpus = List.copyOf(corpus);
        this.mutator = mutator;
        this.seed = seed;
    }

    /**
     * Runs cases until {@code maxCases} are done or the deadline has passed.
     *
     * @param deadlineNs a {@link System#nanoTime()} value; {@link Long#MAX_VALUE} for none.
     */
    public FuzzReport run(final long maxCases, final long deadlineNs)
    {
        final Random seeds = new Random(seed);
        final FuzzReport report = new FuzzReport(target.name(), seed);
        final long startNs = System.nanoTime();
        final boolean hasDeadline = deadlineNs != Long.MAX_VALUE;
        for (long i = 0; i < maxCases; i++)
        {
            // the clock is read every 64 cases: cheaper, and at most 64 cases late
            if (hasDeadline && (i & 63) == 0 && System.nanoTime() - deadlineNs > 0)
            {
                break;
            }
            final long caseSeed = seeds.nextLong();
            final Random random = new Random(caseSeed);
            final byte[] input = input(random);
            try
            {
                report.onOutcome(target.run(input, random));
            }
            catch (final Throwable ex)
            {
                report.onFailure(new FuzzFailure(caseSeed, input, ex));
            }
        }
        report.finish(System.nanoTime() - startNs);
        return report;
    }

    /**
     * Runs one case again, as {@link #run} ran it: the failure propagates.
     *
     * @return the target's outcome label.
     */
    public String replay(final long caseSeed) throws Throwable
    {
        final Random random = new Random(caseSeed);
        return target.run(input(random), random);
    }

    /**
     * @return the input of the case whose generator is {@code random}.
     */
    byte[] input(final Random random)
    {
        final int kind = random.nextInt(20);
        if (kind == 0)
        {
            return noise(random);
        }
        final byte[] base = corpus.get(random.nextInt(corpus.size()));
        if (kind == 1)
        {
            final byte[] other = corpus.get(random.nextInt(corpus.size()));
            final int cut = random.nextInt(base.length + 1);
            final int from = random.nextInt(other.length + 1);
            final byte[] crossed = new byte[cut + other.length - from];
            System.arraycopy(base, 0, crossed, 0, cut);
            System.arraycopy(other, from, crossed, cut, other.length - from);
            return mutator.mutate(random, crossed);
        }
        return mutator.mutate(random, base);
    }

    private byte[] noise(final Random random)
    {
        final byte[] base = corpus.get(random.nextInt(corpus.size()));
        final int prefix = random.nextBoolean() ? random.nextInt(base.length + 1) : 0;
        final byte[] bytes = new byte[prefix + random.nextInt(256)];
        System.arraycopy(base, 0, bytes, 0, prefix);
        for (int i = prefix; i < bytes.length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        // a few interesting bytes among the random ones, through the mutator
        return mutator.mutate(random, bytes);
    }
}
