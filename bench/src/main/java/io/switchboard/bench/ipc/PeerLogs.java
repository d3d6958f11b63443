package io.switchboard.bench.ipc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shows what a peer process said: a peer that failed to start or died is
 * diagnosed from its own log, not from a timeout in the benchmark.
 */
final class PeerLogs
{
    private static final int TAIL_LENGTH = 4000;

    private PeerLogs()
    {
    }

    /**
     * @return the last few thousand characters of a peer's log, or why it cannot be read.
     */
    static String tail(final Path log)
    {
        try
        {
            final String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= TAIL_LENGTH ? text : "..." + text.substring(text.length() - TAIL_LENGTH);
        }
        catch (final IOException ex)
        {
            return "(cannot read " + log + ": " + ex + ")";
        }
    }
}
