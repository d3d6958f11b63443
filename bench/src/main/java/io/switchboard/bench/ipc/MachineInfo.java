package io.switchboard.bench.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the numbers were measured on: a latency figure means nothing without
 * the core count, the OS and the JDK, and the load when the run began tells
 * whether something else was competing for the two cores.
 *
 * @param cores       processors this JVM may use.
 * @param os          the distribution's name, from {@code /etc/os-release}.
 * @param kernel      the kernel release.
 * @param jdk         the running JDK's version and vendor.
 * @param loadAverage {@code /proc/loadavg}'s one-minute figure at the start.
 */
record MachineInfo(int cores, String os, String kernel, String jdk, String loadAverage)
{
    static MachineInfo now()
    {
        return new MachineInfo(
            Runtime.getRuntime().availableProcessors(),
            osName(),
            System.getProperty("os.version"),
            Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            currentLoadAverage());
    }

    static String currentLoadAverage()
    {
        final String text = read(Path.of("/proc/loadavg"));
        return text.isEmpty() ? "?" : text.split(" ")[0];
    }

    private static String osName()
    {
        for (final String line : read(Path.of("/etc/os-release")).split("\n"))
        {
            if (line.startsWith("PRETTY_NAME="))
            {
                final String version = read(Path.of("/etc/debian_version")).trim();
                final String name = line.substring("PRETTY_NAME=".length()).replace("\"", "");
                return version.isEmpty() ? name : name + " (" + version + ")";
            }
        }

        return System.getProperty("os.name");
    }

    private static String read(final Path path)
    {
        try
        {
            return Files.readString(path);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }
}
