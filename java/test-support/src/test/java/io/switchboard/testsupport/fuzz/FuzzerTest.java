package io.switchboard.testsupport.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FuzzerTest
{
    private static final List<byte[]> CORPUS = Mutator.latin1("key=value;", "a=b;c=d;");
    private static final Mutator MUTATOR = new Mutator("=;\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1),
        Mutator.latin1("=", ";;", "999999999999"), 4096);

    /** Fails on any input holding a NUL byte: the fuzzer must find it, count it, keep it and replay it. */
    private static final class NulHater implements FuzzTarget
    {
        public String name()
        {
            return "nul-hater";
        }

        public String run(final byte[] input, final Random random)
        {
            for (final byte b : input)
            {
                if (b == 0)
                {
                    throw new IllegalStateException("NUL");
                }
            }
            return input.length < 10 ? "short" : "long";
        }
    }

    @Test
    void shouldCountOutcomesAndFailuresAndKeepTheFirstFailuresWithTheirSeeds() throws Throwable
    {
        final Fuzzer fuzzer = new Fuzzer(new NulHater(), CORPUS, MUTATOR, 7);
        final FuzzReport report = fuzzer.run(5_000, Long.MAX_VALUE);

        assertEquals(5_000, report.cases());
        assertTrue(report.failureCount() > 0, report::describe);
        assertEquals(report.cases(), report.failureCount() + report.count("short") + report.count("long"));
        assertEquals(Math.min(FuzzReport.KEPT_FAILURES, report.failureCount()), report.failures().size());
        assertTrue(report.summary().contains("cases=5000 failures=" + report.failureCount()), report.summary());

        final FuzzFailure failure = report.failures().getFirst();
        assertTrue(failure.describe().contains("caseSeed=" + failure.caseSeed()), failure.describe());
        final IllegalStateException replayed = assertThrows(IllegalStateException.class, () -> fuzzer.replay(failure.caseSeed()));
        assertEquals("NUL", replayed.getMessage());
    }

    @Test
    void shouldGenerateTheSameCasesFromTheSameSeed()
    {
        final Fuzzer one = new Fuzzer(new NulHater(), CORPUS, MUTATOR, 11);
        final Fuzzer two = new Fuzzer(new NulHater(), CORPUS, MUTATOR, 11);
        for (int i = 0; i < 200; i++)
        {
            assertArrayEquals(one.input(new Random(i)), two.input(new Random(i)));
        }
        assertEquals(one.run(1_000, Long.MAX_VALUE).outcomes(), two.run(1_000, Long.MAX_VALUE).outcomes());
    }

    @Test
    void shouldStopAtTheDeadline()
    {
        final FuzzReport report = new Fuzzer(new NulHater(), CORPUS, MUTATOR, 3).run(Long.MAX_VALUE, System.nanoTime());
        assertTrue(report.cases() <= 64, report::summary);
    }

    @Test
    void shouldMutateWithoutTouchingTheOriginalAndWithinTheLengthBound()
    {
        final byte[] original = CORPUS.getFirst().clone();
        final Mutator small = new Mutator(new byte[]{ 0 }, Mutator.latin1("0123456789"), 64);
        final Random random = new Random(5);
        int changed = 0;
        for (int i = 0; i < 2_000; i++)
        {
            final byte[] mutant = small.mutate(random, original);
            assertTrue(mutant.length <= 64, "length=" + mutant.length);
            changed += Arrays.equals(mutant, original) ? 0 : 1;
        }
        assertArrayEquals(CORPUS.getFirst(), original);
        assertNotEquals(0, changed);
    }

    @Test
    void shouldSplitEveryByteAndAtRandom()
    {
        assertArrayEquals(new int[]{ 1, 2, 3 }, Splits.everyByte(4));
        assertArrayEquals(new int[0], Splits.everyByte(0));
        final Random random = new Random(1);
        for (int i = 0; i < 1_000; i++)
        {
            final int[] cuts = Splits.random(random, 50);
            for (int c = 0; c < cuts.length; c++)
            {
                assertTrue(cuts[c] >= 0 && cuts[c] <= 50 && (c == 0 || cuts[c] >= cuts[c - 1]));
            }
        }
    }
}
