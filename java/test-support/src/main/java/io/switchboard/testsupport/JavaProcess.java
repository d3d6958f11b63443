package io.switchboard.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a second JVM running a main class from this JVM's own class path: the
 * real peer process of a cross-process test or benchmark. The peer inherits the
 * native access flag and writes its output to a log file, so that a failing
 * test can show what the peer said.
 */
public final class JavaProcess
{
    private JavaProcess()
    {
    }

    /**
     * @param mainClass the peer's entry point.
     * @param log       where the peer's stdout and stderr go.
     * @param jvmArgs   extra JVM options (heap size, system properties).
     * @param args      the peer's arguments.
     */
    public static Process start(final Class<?> mainClass, final Path log, final List<String> jvmArgs, final String... args)
    {
        return start(Path.of(System.getProperty("java.home")), mainClass, log, jvmArgs, args);
    }

    /**
     * @param javaHome the JDK to run the peer on (a Java 17 one, say), whose launcher takes the same options.
     * @see #start(Class, Path, List, String...)
     */
    public static Process start(
        final Path javaHome, final Class<?> mainClass, final Path log, final List<String> jvmArgs, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseSerialGC");
        command.add("-Xms64m");
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));

        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try
        {
            return builder.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + mainClass.getName() + ": " + command, ex);
        }
    }

    /**
     * @see #start(Class, Path, List, String...)
     */
    public static Process start(final Class<?> mainClass, final Path log, final String... args)
    {
        return start(mainClass, log, List.of(), args);
    }

    /**
     * Ends a peer we started and waits for it: SIGKILL, so it cannot linger.
     */
    public static void kill(final Process process)
    {
        if (null == process)
        {
            return;
        }

        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return a fresh log file for a peer, in the temporary directory.
     */
    public static Path newLog(final String prefix)
    {
        try
        {
            final File file = File.createTempFile("switchboard-" + prefix + "-", ".log");
            file.deleteOnExit();
            return file.toPath();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
