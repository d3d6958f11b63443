package io.switchboard.tests.admin;

import io.switchboard.tests.LoopbackHttp;
import io.switchboard.tests.LoopbackHttp.Reply;

import io.switchboard.cm.CmMain;
import io.switchboard.testsupport.JavaProcess;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CM as its own process, as {@code ./switchboard run} starts it, with the demo application in its workers,
 * on free ports; killed (with its workers) by {@link #close()} whatever state a test left it in.
 */
final class CmUnderTest implements AutoCloseable
{
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin on http://127\\.0\\.0\\.1:(\\d+)/");

    /** An answer of the CM: status and body. */
    final Process process;
    final Path log;
    final int port;
    final int adminPort;

    private CmUnderTest(final Process process, final Path log, final int port, final int adminPort)
    {
        this.process = process;
        this.log = log;
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * Starts a CM and waits until it says where it listens (its workers are READY by then). No deadline: the
     * calling test's timeout bounds the wait.
     */
    static CmUnderTest start(final String... extraArgs) throws IOException, InterruptedException
    {
        final CmUnderTest starting = startAdminFirst(extraArgs);
        try
        {
            return new CmUnderTest(starting.process, starting.log, starting.awaitClientPort(), starting.adminPort);
        }
        catch (final IOException | InterruptedException | RuntimeException | Error ex)
        {
            starting.close();
            throw ex;
        }
    }

    /**
     * Starts a CM and waits only until its admin listener is open, which is before its workers start: the client
     * port is not known yet ({@link #port} is -1; {@link #awaitClientPort()} waits for it).
     */
    static CmUnderTest startAdminFirst(final String... extraArgs) throws IOException, InterruptedException
    {
        final Path log = JavaProcess.newLog("cm");
        final List<String> args = new ArrayList<>(List.of(
            "--port", "0", "--admin-port", "0", "--rpc-port", "-1",
            "--worker-classpath", System.getProperty("java.class.path"),
            "--worker-jvm-option", "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
        args.addAll(List.of(extraArgs));
        final Process process = JavaProcess.start(CmMain.class, log, args.toArray(new String[0]));
        try
        {
            return new CmUnderTest(process, log, -1, awaitPort(process, log, ADMIN));
        }
        catch (final IOException | InterruptedException | RuntimeException | Error ex)
        {
            JavaProcess.kill(process);
            throw ex;
        }
    }

    /**
     * Waits until the CM says it listens for clients (its first workers READY). No deadline: the calling test's
     * timeout bounds the wait.
     *
     * @return the client port.
     */
    int awaitClientPort() throws IOException, InterruptedException
    {
        return awaitPort(process, log, LISTENING);
    }

    private static int awaitPort(final Process process, final Path log, final Pattern line)
        throws IOException, InterruptedException
    {
        while (true)
        {
            final String output = Files.readString(log);
            final Matcher port = line.matcher(output);
            if (port.find())
            {
                return Integer.parseInt(port.group(1));
            }
            if (!process.isAlive())
            {
                throw new AssertionError("the CM exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(20);
        }
    }

    /**
     * A GET or HEAD to the admin listener.
     *
     * @throws ConnectException once the admin listener is closed.
     */
    Reply admin(final String path) throws IOException
    {
        return get(adminPort, path);
    }

    /**
     * A request with {@code method} to the admin listener.
     */
    Reply admin(final String method, final String path) throws IOException
    {
        return LoopbackHttp.exchange(adminPort, method, path);
    }

    /**
     * A GET to the client listener, on a connection of its own.
     */
    Reply client(final String path) throws IOException
    {
        return get(port, path);
    }

    /**
     * @return whether a connection to {@code port} is refused now (the listener is closed).
     */
    static boolean refuses(final int port) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return false;
        }
        catch (final ConnectException ex)
        {
            return true;
        }
    }

    String output() throws IOException
    {
        return Files.readString(log);
    }

    private static Reply get(final int port, final String path) throws IOException
    {
        return LoopbackHttp.exchange(port, "GET", path);
    }

    @Override
    public void close()
    {
        JavaProcess.kill(process);
    }
}
