package io.switchboard.testsupport.fuzz;

import java.util.Random;

/**
 * Something under fuzz: a decoder fed one generated input per case. The target
 * checks its own contract (which exceptions are allowed, what a result must
 * look like, that nothing is left behind for the next input) and throws on a
 * violation; whatever it throws is a failure the {@link Fuzzer} records with
 * the case's seed. It returns a short label of what happened ("parsed",
 * "refused 400", ...), so a run can tell how many distinct outcomes it reached:
 * a fuzzer that only ever sees one outcome proves little.
 * <p>
 * A target may keep its decoder between cases (it should: reuse after a
 * refusal is part of what is tested), so one instance serves one thread.
 */
public interface FuzzTarget
{
    /**
     * @return a name for reports, e.g. {@code "http-request-head"}.
     */
    String name();

    /**
     * @param input  the case's bytes.
     * @param random the case's own generator (split positions, buffer kinds), seeded from the case seed so the
     *               case replays alone.
     * @return a short, bounded label of the outcome (no peer bytes, no numbers that vary per input).
     * @throws Throwable on a contract violation.
     */
    String run(byte[] input, Random random) throws Throwable;
}
