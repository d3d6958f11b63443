package io.switchboard.cm;

import io.switchboard.cm.config.CmCommandLine;
import io.switchboard.cm.config.CmConfig;
import io.switchboard.cm.config.ConfigException;
import io.switchboard.cm.config.ConfigReport;
import io.switchboard.cm.config.SwitchboardVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
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
    /** The exit status for a configuration that cannot be used: nothing was started. */
    static final int EXIT_USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(CmMain.class);

    private CmMain()
    {
    }

    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
        final CmCommandLine.Loaded loaded;
        try
        {
            final java.util.Optional<CmCommandLine.Loaded> parsed = CmCommandLine.parse(args, out);
            if (parsed.isEmpty())
            {
                // --help or --version, printed
                return;
            }
            loaded = parsed.get();
        }
        catch (final ConfigException ex)
        {
            // a usage error (picocli's convention: status 2), said in a line per problem; nothing was started
            for (final String line : ex.getMessage().split("\n"))
            {
                System.err.println("switchboard: " + line);
            }
            System.exit(EXIT_USAGE);
            return;
        }
        final CmConfig config = loaded.config();
        if (config.printConfig())
        {
            out.print(ConfigReport.render(loaded));
            out.flush();
            return;
        }
        LOG.info("{}", SwitchboardVersion.line());

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
        catch (final CannotStartException ex)
        {
            LOG.error("cannot start: {}", ex.getMessage());
            System.exit(1);
            return;
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
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
