package io.switchboard.cm.supervisor;

/**
 * When a healthy worker is replaced anyway, to bound what a slow leak in an
 * application can cost: after it was given {@code afterRequests} requests, or
 * once its resident memory exceeds {@code aboveRssBytes}. Zero turns a limit off;
 * both are off by default. A recycled worker is replaced like in a rolling
 * restart: the new one is READY before the old one is drained.
 *
 * @param afterRequests requests given to one worker before it is replaced, 0 for no limit.
 * @param aboveRssBytes resident set size above which a worker is replaced, 0 for no limit.
 */
public record RecyclePolicy(long afterRequests, long aboveRssBytes)
{
    public static final RecyclePolicy OFF = new RecyclePolicy(0, 0);

    public RecyclePolicy
    {
        if (afterRequests < 0 || aboveRssBytes < 0)
        {
            throw new IllegalArgumentException(
                "recycle policy out of range: afterRequests=" + afterRequests + " aboveRssBytes=" + aboveRssBytes);
        }
    }

    public boolean isOff()
    {
        return afterRequests == 0 && aboveRssBytes == 0;
    }

    public boolean needsRss()
    {
        return aboveRssBytes > 0;
    }

    /**
     * @param requests  requests given to the worker so far.
     * @param rssBytes  its resident set size, or -1 if unknown.
     * @return why it should be recycled now, or null if it should not.
     */
    public String reason(final long requests, final long rssBytes)
    {
        if (afterRequests > 0 && requests >= afterRequests)
        {
            return "it was given " + requests + " requests (limit " + afterRequests + ")";
        }
        if (aboveRssBytes > 0 && rssBytes > aboveRssBytes)
        {
            return "its resident memory is " + (rssBytes >> 20) + " MiB (limit " + (aboveRssBytes >> 20) + " MiB)";
        }
        return null;
    }
}
