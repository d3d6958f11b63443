package io.switchboard.tests.cluster;

import io.switchboard.testsupport.JavaProcess;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Instances behind HAProxy, on loopback, as {@code ./switchboard cluster} runs them: each instance a CM process
 * with one worker ({@link InstanceProcess}), HAProxy in the foreground with the configuration of
 * {@code deploy/haproxy} rendered by its {@code render.sh} for them. Instance i (from 0) is HAProxy's server
 * {@code sb<i+1>}. {@link #close()} kills HAProxy and every instance.
 */
final class Cluster implements AutoCloseable
{
    /** Long enough for HAProxy's two checks a second apart to see /ready 503 before a drained instance stops. */
    static final String READY_GRACE_MS = "3000";

    final List<InstanceProcess> instances = new ArrayList<>();
    private final String[] instanceArgs;
    private final Path dir;
    private Process haproxy;
    private int httpPort;
    private int rpcPort;
    private int statsPort;

    private Cluster(final String[] instanceArgs) throws IOException
    {
        this.instanceArgs = instanceArgs;
        this.dir = Files.createTempDirectory("switchboard-cluster-");
    }

    /**
     * Starts {@code count} instances and HAProxy, and returns once HAProxy has every instance UP in both backends.
     */
    static Cluster start(final int count, final String... instanceArgs) throws Exception
    {
        final Path haproxyBinary = haproxyBinary();
        final Cluster cluster = new Cluster(instanceArgs);
        try
        {
            for (int i = 0; i < count; i++)
            {
                cluster.instances.add(cluster.startInstance(0, 0, 0));
            }
            cluster.startHaproxy(haproxyBinary);
            for (int i = 0; i < count; i++)
            {
                cluster.awaitStatus(i, "UP");
            }
            return cluster;
        }
        catch (final Exception | Error ex)
        {
            cluster.close();
            throw ex;
        }
    }

    private InstanceProcess startInstance(final int port, final int rpc, final int admin) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--shutdown-ready-grace-ms", READY_GRACE_MS));
        args.addAll(List.of(instanceArgs));
        return InstanceProcess.start(port, rpc, admin, args.toArray(new String[0]));
    }

    /**
     * Starts instance {@code i} again on the ports it had (after it stopped), and waits until HAProxy has it UP.
     */
    void restart(final int i) throws Exception
    {
        final InstanceProcess old = instances.get(i);
        instances.set(i, startInstance(old.port, old.rpcPort, old.adminPort));
        awaitStatus(i, "UP");
    }

    InetSocketAddress httpAddress()
    {
        return new InetSocketAddress("127.0.0.1", httpPort);
    }

    InetSocketAddress rpcAddress()
    {
        return new InetSocketAddress("127.0.0.1", rpcPort);
    }

    String url(final String path)
    {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /**
     * @return the status HAProxy gives instance {@code i} in backend {@code backend} ({@code switchboard_http} or
     * {@code switchboard_rpc}): "UP", "DOWN", "UP 1/2", ...
     */
    String status(final String backend, final int i) throws IOException
    {
        final String csv = InstanceProcess.exchange(statsPort, "GET", "/stats;csv").body();
        for (final String line : csv.split("\n"))
        {
            final String[] fields = line.split(",", -1);
            if (fields.length > 17 && fields[0].equals(backend) && fields[1].equals("sb" + (i + 1)))
            {
                return fields[17];
            }
        }
        throw new AssertionError("HAProxy's stats have no server sb" + (i + 1) + " in " + backend + ":\n" + csv);
    }

    /**
     * Waits until HAProxy has instance {@code i} in state {@code state} in both backends (the test's timeout
     * bounds the wait).
     */
    void awaitStatus(final int i, final String state) throws Exception
    {
        while (!status("switchboard_http", i).equals(state) || !status("switchboard_rpc", i).equals(state))
        {
            if (!haproxy.isAlive())
            {
                throw new AssertionError("HAProxy exited: " + Files.readString(dir.resolve("haproxy.log")));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until HAProxy has instance {@code i} DOWN in the HTTP backend.
     */
    void awaitHttpDown(final int i) throws Exception
    {
        while (!status("switchboard_http", i).equals("DOWN"))
        {
            Thread.sleep(5);
        }
    }

    private void startHaproxy(final Path binary) throws Exception
    {
        httpPort = freePort();
        rpcPort = freePort();
        statsPort = freePort();
        final List<String> render = new ArrayList<>(List.of("bash", renderScript().toString(),
            "--state-dir", dir.toString(), "--http-port", Integer.toString(httpPort),
            "--rpc-port", Integer.toString(rpcPort), "--stats-port", Integer.toString(statsPort)));
        for (final InstanceProcess instance : instances)
        {
            render.addAll(List.of("--instance",
                "127.0.0.1:" + instance.port + ":" + instance.rpcPort + ":" + instance.adminPort));
        }
        final Path config = dir.resolve("haproxy.cfg");
        final Process renderer = new ProcessBuilder(render).redirectOutput(config.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (renderer.waitFor() != 0)
        {
            throw new AssertionError("render.sh failed: " + render);
        }
        final Path log = dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder(binary.toString(), "-f", config.toString(), "-db")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        while (true)
        {
            try
            {
                InstanceProcess.exchange(statsPort, "GET", "/stats;csv");
                return;
            }
            catch (final IOException notYet)
            {
                if (!haproxy.isAlive())
                {
                    throw new AssertionError("HAProxy did not start: " + Files.readString(log));
                }
                Thread.sleep(20);
            }
        }
    }

    String haproxyLog() throws IOException
    {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    /**
     * @return HAProxy's binary; fails naming the script that installs it when it is missing.
     */
    static Path haproxyBinary()
    {
        for (final String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"))
        {
            if (Files.isExecutable(Path.of(candidate)))
            {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("haproxy is not installed: the cluster tests put instances behind it. " +
            "Run tests/install-tools.sh (./switchboard test runs it), or apt-get install haproxy");
    }

    private static Path renderScript()
    {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("deploy/haproxy/render.sh")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new AssertionError("deploy/haproxy/render.sh not found above " + System.getProperty("user.dir"));
        }
        return dir.resolve("deploy/haproxy/render.sh");
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close()
    {
        if (haproxy != null)
        {
            haproxy.destroyForcibly();
        }
        for (final InstanceProcess instance : instances)
        {
            instance.close();
        }
        if (haproxy != null)
        {
            JavaProcess.kill(haproxy);
        }
    }
}
