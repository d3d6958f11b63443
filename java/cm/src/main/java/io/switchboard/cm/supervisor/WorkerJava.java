package io.switchboard.cm.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code java} a worker JVM runs on, and its feature release, asked of it once before any worker starts:
 * the worker runtime and the libraries it loads are built for Java {@value #MIN_FEATURE}, so an older JDK is
 * refused with a message instead of a worker that dies at every start with {@code UnsupportedClassVersionError}.
 * On a JDK older than 22 the worker reaches the shim through JNA rather than FFM; nothing here depends on which.
 *
 * @param executable the {@code java} launcher.
 * @param feature    its feature release ({@code java.specification.version}): 17, 21, 25...
 */
public record WorkerJava(Path executable, int feature)
{
    /** The oldest Java the worker runtime is compiled for ({@code library.release} in the build). */
    public static final int MIN_FEATURE = 17;

    /** A JVM that prints its settings takes ~100 ms; one that takes this long is not going to. */
    private static final long PROBE_TIMEOUT_S = 30;
    private static final String SPEC_VERSION = "java.specification.version = ";

    /**
     * @return the Java the CM itself runs on: the workers' when no other is named.
     */
    public static WorkerJava ofThisJvm()
    {
        return new WorkerJava(Path.of(System.getProperty("java.home"), "bin", "java"), Runtime.version().feature());
    }

    /**
     * Finds the launcher and asks it its version ({@code java -XshowSettings:properties -version}).
     *
     * @param location a {@code java} launcher or a JDK's home directory (its {@code bin/java} is meant).
     * @throws IllegalArgumentException saying what is wrong in words an operator acts on: not there, not
     *                                  executable, not a Java that answers, or older than {@value #MIN_FEATURE}.
     */
    public static WorkerJava probe(final Path location)
    {
        final Path executable = Files.isDirectory(location) ? location.resolve("bin").resolve("java") : location;
        if (!Files.isRegularFile(executable))
        {
            throw new IllegalArgumentException(location + ": no such java launcher" +
                (Files.isDirectory(location) ? " (" + executable + " is missing)" : ""));
        }
        if (!Files.isExecutable(executable))
        {
            throw new IllegalArgumentException(executable + ": not executable");
        }

        final String settings = settingsOf(executable);
        final int feature = feature(settings);
        if (feature < 0)
        {
            throw new IllegalArgumentException(executable + " did not say its java.specification.version; is it a " +
                "java launcher? It printed: " + firstLine(settings));
        }
        if (feature < MIN_FEATURE)
        {
            throw new IllegalArgumentException(executable + " is Java " + feature + "; worker JVMs need Java " +
                MIN_FEATURE + " or newer (the worker runtime is compiled for " + MIN_FEATURE + ")");
        }
        return new WorkerJava(executable, feature);
    }

    /**
     * @return the feature release in {@code java -XshowSettings:properties} output ({@code 1.8} is 8), or -1.
     */
    static int feature(final String settings)
    {
        for (final String line : settings.split("\n"))
        {
            final int at = line.indexOf(SPEC_VERSION);
            if (at >= 0)
            {
                String version = line.substring(at + SPEC_VERSION.length()).trim();
                if (version.startsWith("1."))
                {
                    version = version.substring(2);
                }
                final int dot = version.indexOf('.');
                try
                {
                    return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
                }
                catch (final NumberFormatException ex)
                {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static String settingsOf(final Path executable)
    {
        Path output = null;
        Process process = null;
        try
        {
            // to a file, not a pipe: a launcher that hangs with its output open cannot stall the read, only the wait
            output = Files.createTempFile("switchboard-worker-java-", ".txt");
            process = new ProcessBuilder(List.of(executable.toString(), "-XshowSettings:properties", "-version"))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            if (!process.waitFor(PROBE_TIMEOUT_S, TimeUnit.SECONDS))
            {
                throw new IllegalArgumentException(executable + " did not exit within " + PROBE_TIMEOUT_S +
                    " s of 'java -XshowSettings:properties -version'");
            }
            return new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(executable + " cannot be run: " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException(executable + ": interrupted while asking its version", ex);
        }
        finally
        {
            if (process != null)
            {
                process.destroyForcibly();
            }
            if (output != null)
            {
                try
                {
                    Files.deleteIfExists(output);
                }
                catch (final IOException ignored)
                {
                    // a few KiB in the temporary directory
                }
            }
        }
    }

    private static String firstLine(final String text)
    {
        final String trimmed = text.strip();
        final int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end);
    }

    @Override
    public String toString()
    {
        return executable + " (Java " + feature + ")";
    }
}
