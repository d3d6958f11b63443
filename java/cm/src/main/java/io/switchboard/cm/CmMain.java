package io.switchboard.cm;

import io.switchboard.cm.config.CmConfig;
import picocli.CommandLine;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./switchboard run}: starts an instance in the foreground and stops it
 * cleanly on Ctrl-C or SIGTERM.
 */
public final class CmMain
{
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

        final ConnectionManager cm = new ConnectionManager(config);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            System.err.println("switchboard: stopping");
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
            System.err.println("switchboard: cannot start: " + ex.getMessage());
            System.exit(1);
            return;
        }
        final InetSocketAddress rpc = cm.rpcAddress();
        System.err.println("switchboard: listening on http://" + address.getHostString() + ":" + address.getPort() +
            (rpc == null ? "" : ", sessions also on " + rpc.getHostString() + ":" + rpc.getPort()) +
            " with " + config.workers() + " workers; Ctrl-C stops");
        if (cm.adminAddress() != null)
        {
            final String host = cm.adminAddress().getAddress().getHostAddress();
            System.err.println("switchboard: admin on http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) +
                ":" + cm.adminAddress().getPort() + "/admin/status");
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
