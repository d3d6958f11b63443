package io.switchboard.cm.supervisor;

/**
 * When a worker that died is started again.
 * <p>
 * Restarts back off: each death of a worker that was young (not READY yet, or
 * READY for less than {@code youngMs}) doubles the delay from {@code minDelayMs}
 * up to {@code maxDelayMs}; a death after a longer life restarts after
 * {@code minDelayMs}. A slot whose workers die {@code crashLoopDeaths} times
 * before READY within {@code crashLoopWindowMs} is crash-looping: it is parked
 * for {@code crashLoopParkMs} (an operator's restart tries at once), so a worker
 * that cannot start costs a JVM start a minute, not a core.
 *
 * @param minDelayMs        delay after the first death, and after a death of a worker that lived long.
 * @param maxDelayMs        the cap of the doubling.
 * @param youngMs           a worker dying this soon after its start counts as dying young.
 * @param crashLoopDeaths   deaths before READY that make a crash loop.
 * @param crashLoopWindowMs within this window.
 * @param crashLoopParkMs   how long a crash-looping slot waits before its next start.
 */
public record RestartPolicy(
    long minDelayMs, long maxDelayMs, long youngMs, int crashLoopDeaths, long crashLoopWindowMs, long crashLoopParkMs)
{
    /** The defaults of {@code CmConfig}: 100 ms doubling to 10 s; 5 deaths before READY in a minute park for a minute. */
    public static final RestartPolicy DEFAULT = new RestartPolicy(100, 10_000, 10_000, 5, 60_000, 60_000);

    public RestartPolicy
    {
        if (minDelayMs < 1 || maxDelayMs < minDelayMs || youngMs < 0 ||
            crashLoopDeaths < 1 || crashLoopWindowMs < 1 || crashLoopParkMs < maxDelayMs)
        {
            throw new IllegalArgumentException("restart policy out of range: minDelayMs=" + minDelayMs +
                " maxDelayMs=" + maxDelayMs + " youngMs=" + youngMs + " crashLoopDeaths=" + crashLoopDeaths +
                " crashLoopWindowMs=" + crashLoopWindowMs + " crashLoopParkMs=" + crashLoopParkMs +
                " (need 1 <= min <= max <= park, deaths >= 1, window >= 1)");
        }
    }
}
