package io.switchboard.tests.cluster;

import io.switchboard.tests.LoopbackHttp;
import io.switchboard.tests.LoopbackHttp.Reply;

import io.switchboard.cm.CmMain;
import io.switchboard.testsupport.JavaProcess;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instance of a cluster as its own process, as {@code ./switchboard run} starts it: the CM and its workers,
 * with the demo application on HTTP and the demo and test applications on sessions. Ports given (a restarted
 * instance comes back on its ports) or 0 for free ones; what was bound is read from the CM's log.
 * {@link #close()} kills the CM and its workers (SIGKILL) whatever state a test left them in.
 */
final class InstanceProcess implements AutoCloseable
{
    private static final Pattern LISTENING =
        Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+), sessions also on [^:]+:(\\d+)");
    private static final Pattern WORKER_PID = Pattern.compile("\"slot\": 0, \"state\": \"READY\", \"pid\": (\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin on http://127\\.0\\.0\\.1:(\\d+)/");

    /** An answer: status and body. */
    final Process process;
    final Path log;
    final int port;
    final int rpcPort;
    final int adminPort;

    private InstanceProcess(final Process process, final Path log, final int port, final int rpcPort,
        final int adminPort)
    {
        this.process = process;
        this.log = log;
        this.port = port;
        this.rpcPort = rpcPort;
        this.adminPort = adminPort;
    }

    /**
     * Starts an instance with one worker and waits until it says where it listens (its worker READY by then). No
     * deadline: the calling test's timeout bounds the wait.
     */
    static InstanceProcess start(final int port, final int rpcPort, final int adminPort, final String... extraArgs)
        throws IOException, InterruptedException
    {
        final Path log = JavaProcess.newLog("instance");
        final List<String> args = new ArrayList<>(List.of(
            "--port", Integer.toString(port), "--rpc-port", Integer.toString(rpcPort),
            "--admin-port", Integer.toString(adminPort),
            "--workers", "1", "--rpc-app", "demo,test", "--route", "/=demo",
            "--worker-classpath", System.getProperty("java.class.path"),
            "--worker-jvm-option", "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
        args.addAll(List.of(extraArgs));
        final Process process = JavaProcess.start(CmMain.class, log, args.toArray(new String[0]));
        try
        {
            while (true)
            {
                final String output = Files.readString(log);
                final Matcher listening = LISTENING.matcher(output);
                final Matcher admin = ADMIN.matcher(output);
                if (listening.find() && admin.find())
                {
                    return new InstanceProcess(process, log, Integer.parseInt(listening.group(1)),
                        Integer.parseInt(listening.group(2)), Integer.parseInt(admin.group(1)));
                }
                if (!process.isAlive())
                {
                    throw new AssertionError("the instance exited with " + process.exitValue() + ":\n" + output);
                }
                Thread.sleep(20);
            }
        }
        catch (final IOException | InterruptedException | RuntimeException | Error ex)
        {
            JavaProcess.kill(process);
            throw ex;
        }
    }

    /**
     * Starts an instance on free ports.
     */
    static InstanceProcess start(final String... extraArgs) throws IOException, InterruptedException
    {
        return start(0, 0, 0, extraArgs);
    }

    InetSocketAddress rpcAddress()
    {
        return new InetSocketAddress("127.0.0.1", rpcPort);
    }

    /**
     * @return the pid of the READY worker in slot 0 (the instance's one worker), from the admin status.
     */
    long workerPid() throws IOException
    {
        final Matcher pid = WORKER_PID.matcher(admin("GET", "/admin/status").body());
        if (!pid.find())
        {
            throw new AssertionError("no READY worker in slot 0 of the instance on " + port);
        }
        return Long.parseLong(pid.group(1));
    }

    /**
     * @return the pids of the CM's workers (and any other process it started) now.
     */
    List<ProcessHandle> workers()
    {
        return process.descendants().toList();
    }

    /**
     * {@code kill -9} of the whole instance: its workers and its CM, at once, as when the host dies.
     */
    void killHard()
    {
        final List<ProcessHandle> workers = workers();
        process.destroyForcibly();
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    Reply admin(final String method, final String path) throws IOException
    {
        return exchange(adminPort, method, path);
    }

    Reply client(final String path) throws IOException
    {
        return exchange(port, "GET", path);
    }

    String output() throws IOException
    {
        return Files.readString(log);
    }

    static Reply exchange(final int port, final String method, final String path) throws IOException
    {
        return LoopbackHttp.exchange(port, method, path);
    }

    @Override
    public void close()
    {
        JavaProcess.kill(process);
    }
}
