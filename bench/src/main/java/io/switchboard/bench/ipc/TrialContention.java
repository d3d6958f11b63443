package io.switchboard.bench.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What other processes took from the machine during one trial, measured in the
 * forked JVM from its {@code @Setup} to its {@code @TearDown} (after the peer
 * was killed and reaped, so that the peer counts as the trial's own). Printed
 * in the trial's output and, when the suite names a directory in
 * {@value #DIRECTORY_PROPERTY}, appended to a file named by the trial's key so
 * that the report can put it beside the figure: a line per trial, several for a
 * case run in rounds ({@link PairedRoundTrips}).
 */
final class TrialContention
{
    static final String DIRECTORY_PROPERTY = "switchboard.bench.contentionDir";

    private final CpuContention start;

    private TrialContention(final CpuContention start)
    {
        this.start = start;
    }

    static TrialContention begin()
    {
        return new TrialContention(CpuContention.now());
    }

    /**
     * @param key names the trial, {@code BenchmarkSimpleName-paramValue...}, the values in the order of the parameters.
     */
    void end(final String key)
    {
        final CpuContention end = CpuContention.now();
        if (null == start || null == end)
        {
            return;
        }

        final double othersPct = end.othersPctSince(start);
        System.out.printf(Locale.ROOT, "contention during this trial: %s%n", end.describeSince(start));

        final String directory = System.getProperty(DIRECTORY_PROPERTY);
        if (null != directory)
        {
            try
            {
                Files.writeString(
                    Path.of(directory, key), String.format(Locale.ROOT, "%.1f%n", othersPct), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /**
     * @return the most {@link #end} wrote for {@code key} in {@code directory}, in percent (a figure of several
     * trials is as clean as its noisiest), or NaN.
     */
    static double read(final Path directory, final String key)
    {
        try
        {
            double most = Double.NaN;
            for (final String line : Files.readAllLines(directory.resolve(key), StandardCharsets.UTF_8))
            {
                if (!line.isBlank())
                {
                    final double othersPct = Double.parseDouble(line.trim());
                    most = Double.isNaN(most) ? othersPct : Math.max(most, othersPct);
                }
            }
            return most;
        }
        catch (final IOException | NumberFormatException ex)
        {
            return Double.NaN;
        }
    }
}
