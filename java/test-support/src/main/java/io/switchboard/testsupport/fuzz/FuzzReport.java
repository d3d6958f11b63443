package io.switchboard.testsupport.fuzz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link Fuzzer} run did: cases, how many of each outcome, the failures
 * (all counted, the first {@value #KEPT_FAILURES} kept with their inputs).
 */
public final class FuzzReport
{
    public static final int KEPT_FAILURES = 10;

    private final String target;
    private final long seed;
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final List<FuzzFailure> failures = new ArrayList<>();
    private long cases;
    private long failureCount;
    private long elapsedNs;

    FuzzReport(final String target, final long seed)
    {
        this.target = target;
        this.seed = seed;
    }

    void onOutcome(final String outcome)
    {
        cases++;
        outcomes.merge(outcome, 1L, Long::sum);
    }

    void onFailure(final FuzzFailure failure)
    {
        cases++;
        failureCount++;
        if (failures.size() < KEPT_FAILURES)
        {
            failures.add(failure);
        }
    }

    void finish(final long elapsedNs)
    {
        this.elapsedNs = elapsedNs;
    }

    public String target()
    {
        return target;
    }

    public long seed()
    {
        return seed;
    }

    public long cases()
    {
        return cases;
    }

    public long failureCount()
    {
        return failureCount;
    }

    public List<FuzzFailure> failures()
    {
        return Collections.unmodifiableList(failures);
    }

    /**
     * @return outcome label to the number of cases that had it, sorted by label.
     */
    public Map<String, Long> outcomes()
    {
        return Collections.unmodifiableMap(outcomes);
    }

    public long count(final String outcome)
    {
        return outcomes.getOrDefault(outcome, 0L);
    }

    public long elapsedNs()
    {
        return elapsedNs;
    }

    /**
     * @return one line: {@code target=... seed=... cases=... failures=... outcomes=... ms=...}.
     */
    public String summary()
    {
        return "target=" + target + " seed=" + seed + " cases=" + cases + " failures=" + failureCount +
            " outcomes=" + outcomes.size() + " ms=" + TimeUnit.NANOSECONDS.toMillis(elapsedNs);
    }

    /**
     * @return the summary, every outcome with its count, and the kept failures: for a report or an assertion.
     */
    public String describe()
    {
        final StringBuilder text = new StringBuilder(summary()).append('\n');
        outcomes.forEach((outcome, count) -> text.append("  ").append(count).append("  ").append(outcome).append('\n'));
        for (final FuzzFailure failure : failures)
        {
            text.append("FAILURE ").append(failure.describe()).append('\n');
        }
        return text.toString();
    }
}
