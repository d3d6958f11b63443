package io.switchboard.cm.net;

/**
 * The deadlines of a connection's phases, in nanoseconds, and the slowest a request body may arrive.
 *
 * @param headNs       to read a whole request head from its first byte (408); not extended by later bytes.
 * @param idleNs       a keep-alive connection with no request (closed quietly).
 * @param queueNs      a request waiting for a free channel or a ready worker (503).
 * @param responseNs   from dispatch until the worker's last response frame (504).
 * @param minBodyRate  bytes per second a request body must average, once {@code headNs} has passed since its
 *                     first byte, or it is cut off with a 408 (time spent waiting for ring space, which is the
 *                     worker's doing, does not count); 0 turns the check off.
 */
public record Timeouts(long headNs, long idleNs, long queueNs, long responseNs, long minBodyRate)
{
    public Timeouts
    {
        if (headNs <= 0 || idleNs <= 0 || queueNs <= 0 || responseNs <= 0 || minBodyRate < 0)
        {
            throw new IllegalArgumentException(
                "timeouts must be positive: headNs=" + headNs + " idleNs=" + idleNs + " queueNs=" + queueNs +
                " responseNs=" + responseNs + " minBodyRate=" + minBodyRate);
        }
    }

    /**
     * Whether a body that began at {@code startNs} and has brought {@code bytes} by {@code nowNs} is too slow.
     */
    public boolean bodyTooSlow(final long startNs, final long bytes, final long nowNs)
    {
        final long elapsedNs = nowNs - startNs;
        if (minBodyRate == 0 || elapsedNs < headNs)
        {
            return false;
        }
        // bytes * 1e9 < rate * elapsed, without overflow for any body a CM accepts
        return (double)bytes * 1_000_000_000d < (double)minBodyRate * elapsedNs;
    }
}
