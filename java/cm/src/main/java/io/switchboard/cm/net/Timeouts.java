package io.switchboard.cm.net;

/**
 * The deadlines of a connection's phases, in nanoseconds.
 *
 * @param headNs     to finish reading a request head once it has begun (408).
 * @param idleNs     a keep-alive connection with no request (closed quietly).
 * @param queueNs    a request waiting for a free channel or a ready worker (503).
 * @param responseNs from dispatch until the worker's last response frame (504).
 */
public record Timeouts(long headNs, long idleNs, long queueNs, long responseNs)
{
    public Timeouts
    {
        if (headNs <= 0 || idleNs <= 0 || queueNs <= 0 || responseNs <= 0)
        {
            throw new IllegalArgumentException(
                "timeouts must be positive: headNs=" + headNs + " idleNs=" + idleNs + " queueNs=" + queueNs +
                " responseNs=" + responseNs);
        }
    }
}
