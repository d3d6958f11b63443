package io.switchboard.tests.http;

import io.switchboard.cm.ConnectionManager;
import io.switchboard.cm.config.CmConfig;
import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole instance for a test: the CM in this JVM, real worker JVMs running the
 * demo application (and the tests' own), listening on a free loopback port.
 */
final class Instance implements AutoCloseable
{
    private final ConnectionManager cm;
    private final InetSocketAddress address;

    Instance(final String... extraArgs)
    {
        final List<String> args = new ArrayList<>(List.of(
            "--port", "0",
            "--worker-classpath", System.getProperty("java.class.path"),
            "--route", "/=demo,/failing=failing"));
        args.addAll(List.of(extraArgs));
        final CmConfig config = new CmConfig();
        new CommandLine(config).parseArgs(args.toArray(new String[0]));
        cm = new ConnectionManager(config);
        address = cm.start();
    }

    String url(final String path)
    {
        return "http://127.0.0.1:" + address.getPort() + path;
    }

    int port()
    {
        return address.getPort();
    }

    ConnectionManager cm()
    {
        return cm;
    }

    public void close()
    {
        cm.close();
    }
}
