package io.switchboard.bench.soak;

/**
 * The breath a load thread takes between requests, so that a few of them on two shared cores leave room for the
 * CM and its workers.
 */
final class Pause
{
    private Pause()
    {
    }

    static void sleep(final long ms)
    {
        if (ms <= 0)
        {
            return;
        }
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
