package io.switchboard.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CM started from its shaded jar, with the demo worker's jar, on free ports (HTTP, sessions, admin), its
 * output in a temporary log that tells the ports. Used by {@code bench soak} and {@code bench faults}. Stopped by SIGTERM (its workers die with it), SIGKILL if that
 * takes over 10 s; a shutdown hook does the same if the suite itself is stopped.
 */
public final class CmProcess implements AutoCloseable
{
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+), sessions also on [^:]+:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin on http://[^:]+:(\\d+)/");

    private final Process process;
    private final Path log;
    private final Thread shutdownHook;
    private int httpPort;
    private int rpcPort;
    private int adminPort;

    private CmProcess(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "soak-cm-stopper");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static CmProcess start(final String cmJar, final String workerJar, final int workers) throws IOException
    {
        return start(cmJar, workerJar, workers, new String[0]);
    }

    /**
     * @param options more of the CM's options, after those that start it on free ports.
     */
    public static CmProcess start(final String cmJar, final String workerJar, final int workers,
        final String... options) throws IOException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Path log = Files.createTempFile("switchboard-soak-cm", ".log");
        final List<String> command = new ArrayList<>(List.of(java,
            "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms64m", "-Xmx512m", "-jar", cmJar,
            "--worker-classpath", workerJar, "--workers", String.valueOf(workers),
            "--port", "0", "--rpc-port", "0", "--admin-port", "0"));
        command.addAll(List.of(options));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new CmProcess(process, log);
    }

    /**
     * Waits until the log names the ports and every worker is READY.
     */
    public void awaitReady(final int workers, final long timeoutSeconds) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final String text = log();
            final Matcher listening = LISTENING.matcher(text);
            final Matcher admin = ADMIN.matcher(text);
            if (listening.find() && admin.find() && text.split("is READY", -1).length - 1 >= workers)
            {
                httpPort = Integer.parseInt(listening.group(1));
                rpcPort = Integer.parseInt(listening.group(2));
                adminPort = Integer.parseInt(admin.group(1));
                return;
            }
            if (!process.isAlive())
            {
                throw new IllegalStateException("the CM exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the CM did not get ready in " + timeoutSeconds + " s:\n" + log());
    }

    public String log() throws IOException
    {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public int httpPort()
    {
        return httpPort;
    }

    public int rpcPort()
    {
        return rpcPort;
    }

    public int adminPort()
    {
        return adminPort;
    }

    /**
     * @return whether {@code pid} is a worker of this CM: its child now, so that the killer never hits a process
     * that merely reused a dead worker's pid.
     */
    public boolean isWorker(final long pid)
    {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(parent -> parent.pid() == process.pid())
            .orElse(false);
    }

    /**
     * @return the CM's resident set in KiB, from /proc, or -1 once it is gone.
     */
    public long rssKib()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
        return -1;
    }

    private void stop()
    {
        if (!process.isAlive())
        {
            return;
        }
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException
    {
        stop();
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ex)
        {
            // already shutting down: the hook runs stop() again, which finds the CM gone
        }
        Files.deleteIfExists(log);
    }
}
