package io.switchboard.cm.http;

import io.switchboard.testsupport.fuzz.FuzzReport;
import io.switchboard.testsupport.fuzz.Fuzzer;
import io.switchboard.testsupport.fuzz.Mutator;
import io.switchboard.testsupport.fuzz.Splits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random fuzzing of the request head parser and the chunked decoder
 * (the engine is {@link Fuzzer}; the contracts are the targets':
 * {@link RequestHeadFuzzTarget}, {@link ChunkedBodyFuzzTarget}). Mutations of
 * valid requests, fed in random pieces, must only ever parse (into heads an
 * independent check finds well formed) or be refused with a documented status;
 * the same parser and decoder, reset, must then serve a valid request as fresh
 * ones do. A failure names its case seed and input, so it replays alone with
 * {@link Fuzzer#replay}. The long run is {@code ./switchboard bench fuzz}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpCodecFuzzTest
{
    private static final long SEED = 0x5B0A_2D11_C0DEL;

    @Test
    void shouldOnlyEverParseOrRefuseMutatedRequestsUnderSmallLimits()
    {
        final FuzzReport report = fuzz(new RequestHeadFuzzTarget(HttpFuzzCorpus.SMALL_LIMITS, "small"),
            HttpFuzzCorpus.REQUESTS, SEED, 15_000);

        // the mutations must reach both outcomes, and many kinds of refusal, or the test proves little
        final long parsed = report.outcomes().entrySet().stream()
            .filter(e -> e.getKey().startsWith("parsed ") && !e.getKey().startsWith("parsed 0")).mapToLong(e -> e.getValue()).sum();
        final long refused = report.outcomes().entrySet().stream()
            .filter(e -> e.getKey().startsWith("refused ")).mapToLong(e -> e.getValue()).sum();
        assertTrue(parsed > report.cases() / 25, report::describe);
        assertTrue(refused > report.cases() / 4, report::describe);
        assertTrue(report.outcomes().size() >= 40, report::describe);
        for (final int status : HttpFuzzCorpus.STATUSES)
        {
            assertTrue(report.outcomes().keySet().stream().anyMatch(o -> o.startsWith("refused " + status)),
                "no case was refused with " + status + "\n" + report.describe());
        }
    }

    @Test
    void shouldOnlyEverParseOrRefuseHugeValuesUnderTheDefaultLimits()
    {
        final FuzzReport report = fuzz(new RequestHeadFuzzTarget(HttpLimits.DEFAULT, "default"),
            HttpFuzzCorpus.REQUESTS, SEED + 1, 5_000);
        // huge runs reach the real limits: a head too large, a line too long, a body too large
        for (final int status : new int[]{ 413, 414, 431 })
        {
            assertTrue(report.outcomes().keySet().stream().anyMatch(o -> o.startsWith("refused " + status)),
                "no case was refused with " + status + "\n" + report.describe());
        }
    }

    @Test
    void shouldOnlyEverDecodeOrRefuseMutatedChunkedBodies()
    {
        final FuzzReport report = fuzz(new ChunkedBodyFuzzTarget(HttpFuzzCorpus.SMALL_LIMITS),
            HttpFuzzCorpus.CHUNKED_BODIES, SEED + 2, 20_000);
        assertTrue(report.count("done") + report.count("done, bytes after") > report.cases() / 20, report::describe);
        assertTrue(report.outcomes().keySet().stream().filter(o -> o.startsWith("refused ")).count() >= 5,
            report::describe);
    }

    @Test
    void shouldDecodeHugeChunkSizesAndBodiesOnlyWithinTheLimit()
    {
        fuzz(new ChunkedBodyFuzzTarget(HttpLimits.DEFAULT), HttpFuzzCorpus.CHUNKED_BODIES, SEED + 3, 5_000);
    }

    /**
     * Every way of cutting an input into two reads, and one byte per read, gives the answer the whole input
     * gives: for the corpus and mutants of it.
     */
    @Test
    void shouldGiveTheSameAnswerWhereverTheInputIsSplit()
    {
        final RequestHeadFuzzTarget target = new RequestHeadFuzzTarget(HttpFuzzCorpus.SMALL_LIMITS, "splits");
        final Mutator mutator = HttpFuzzCorpus.mutator();
        final Random random = new Random(SEED + 4);
        final List<byte[]> inputs = new ArrayList<>(HttpFuzzCorpus.REQUESTS);
        while (inputs.size() < 200)
        {
            final byte[] mutant = mutator.mutate(random, HttpFuzzCorpus.REQUESTS.get(random.nextInt(HttpFuzzCorpus.REQUESTS.size())));
            if (mutant.length <= 600)
            {
                inputs.add(mutant);
            }
        }

        int splits = 0;
        for (final byte[] input : inputs)
        {
            final String whole = target.parseSplit(input, new int[0]);
            for (int at = 0; at <= input.length; at++)
            {
                assertEquals(whole, target.parseSplit(input, Splits.at(at)),
                    "split at " + at + " of " + io.switchboard.testsupport.fuzz.FuzzBytes.escape(input, 1_000));
                splits++;
            }
            assertEquals(whole, target.parseSplit(input, Splits.everyByte(input.length)),
                "one byte per read of " + io.switchboard.testsupport.fuzz.FuzzBytes.escape(input, 1_000));
        }
        assertTrue(splits > 15_000, "splits=" + splits);
    }

    private static FuzzReport fuzz(
        final io.switchboard.testsupport.fuzz.FuzzTarget target, final List<byte[]> corpus, final long seed,
        final int cases)
    {
        final FuzzReport report = new Fuzzer(target, corpus, HttpFuzzCorpus.mutator(), seed).run(cases, Long.MAX_VALUE);
        assertEquals(cases, report.cases());
        assertEquals(0, report.failureCount(), report::describe);
        return report;
    }
}
