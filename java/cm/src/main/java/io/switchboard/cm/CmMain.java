package io.switchboard.cm;

import io.switchboard.cm.config.CmConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./switchboard run}: starts an instance in the foreground and stops it
 * cleanly on Ctrl-C or SIGTERM: the JVM's shutdown hook runs
 * {@link ConnectionManager#close()}, whose first step turns {@code /ready} to 503
 * (see there for the order of the rest). {@code POST /admin/drain} ends it the same way, with exit status 0.
 */
public final class CmMain
{
    /** The exit status when the instance failed while running (an I/O thread could not go on). */
    static final int EXIT_FAILED = 70;

    private static final Logger LOG = LoggerFactory.getLogger(CmMain.class);

    private CmMain()
    {
    }

    public static void main(final String[] args)
    {
        final CmConfig config = new CmConfig();
        final CommandLine commandLine = new CommandLine(config);
        final String file = configFile(args);
        if (file != null)
        {
            commandLine.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(new File(file)));
        }

        try
        {
            final CommandLine.ParseResult parsed = commandLine.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed))
            {
                return;
            }
        }
        catch (final CommandLine.ParameterException ex)
        {
            System.err.println("switchboard: " + ex.getMessage());
            commandLine.usage(System.err);
            System.exit(2);
        }

        // exit from a thread of its own: the shutdown hook below waits for the I/O threads, one of which asks
        // a drain ends the process as SIGTERM does: the exit runs the shutdown hook below, and the status is 0
        final ConnectionManager cm = new ConnectionManager(config, cause ->
            new Thread(() -> System.exit(EXIT_FAILED), "switchboard-fatal-exit").start(),
            () -> new Thread(() -> System.exit(0), "switchboard-drain-exit").start());
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            LOG.info("stopping");
            cm.close();
            stopped.countDown();
        }, "switchboard-shutdown"));

        final InetSocketAddress address;
        try
        {
            address = cm.start();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("cannot start: {}", ex.getMessage(), ex);
            System.exit(1);
            return;
        }
        final InetSocketAddress rpc = cm.rpcAddress();
        LOG.info("listening on http://{}:{}{} with {} workers; Ctrl-C stops", address.getHostString(), address.getPort(),
            rpc == null ? "" : ", sessions also on " + rpc.getHostString() + ":" + rpc.getPort(), config.workers());
        if (cm.adminAddress() != null)
        {
            final String host = cm.adminAddress().getAddress().getHostAddress();
            LOG.info("admin on http://{}:{}/ (the live status page; also /admin/status, /health, /ready)",
                host.indexOf(':') >= 0 ? "[" + host + "]" : host, cm.adminAddress().getPort());
        }
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static String configFile(final String[] args)
    {
        for (int i = 0; i < args.length; i++)
        {
            if ("--config".equals(args[i]) && i + 1 < args.length)
            {
                return args[i + 1];
            }
            if (args[i].startsWith("--config="))
            {
                return args[i].substring("--config=".length());
            }
        }
        return null;
    }
}
