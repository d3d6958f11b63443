package io.switchboard.bench.jetty;

import java.io.IOException;

import io.switchboard.bench.jetty.servlet.BytesServlet;
import io.switchboard.bench.jetty.servlet.HelloServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;

/**
 * The Jetty baseline of {@code bench/http/run.sh}: a Jetty 12 server with Jetty's default thread pool and
 * connector settings, serving {@link HelloBytesHandler} over HTTP/1.1 on 127.0.0.1 only, and under {@code /servlet}
 * the servlet cases ({@link HelloServlet}, {@link BytesServlet}) in a servlet context without sessions.
 * <pre>
 *   java -jar bench/jetty/target/switchboard-bench-jetty.jar PORT
 * </pre>
 * It prints one line once it accepts connections, and stops gracefully on SIGTERM (Jetty's shutdown hook).
 */
public final class JettyBaselineServer
{
    /**
     * The only address served: benchmark traffic stays on the loopback interface.
     */
    public static final String HOST = "127.0.0.1";

    private JettyBaselineServer()
    {
    }

    /**
     * Starts the server and waits until it stops.
     *
     * @param args the TCP port, the only argument.
     * @throws Exception when the server cannot start, for example because the port is taken.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 1)
        {
            System.err.println("usage: java -jar switchboard-bench-jetty.jar PORT");
            System.exit(2);
        }
        final int port = port(args[0]);

        final HttpConfiguration httpConfig = new HttpConfiguration();
        // Neither nginx nor the CM is asked to advertise a version; the Date header stays (Jetty's default).
        httpConfig.setSendServerVersion(false);

        final Server server = new Server();
        final ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost(HOST);
        connector.setPort(port);
        server.addConnector(connector);
        final ServletContextHandler servlets = new ServletContextHandler("/servlet", ServletContextHandler.NO_SESSIONS);
        servlets.addServlet(HelloServlet.class, "/hello");
        servlets.addServlet(BytesServlet.class, "/bytes");
        server.setHandler(new Handler.Sequence(servlets, new HelloBytesHandler()));
        server.setStopAtShutdown(true);

        try
        {
            server.start();
        }
        catch (final Exception ex)
        {
            server.stop();
            throw new IOException("cannot serve on " + HOST + ":" + port + ": " + ex.getMessage(), ex);
        }

        System.out.println("jetty " + Jetty.VERSION + " on java " + Runtime.version() + " serving http://" + HOST +
            ":" + connector.getLocalPort() + "/hello and /bytes?n=N (selectors=" + connector.getSelectorManager()
            .getSelectorCount() + ", acceptors=" + connector.getAcceptors() + ")");
        server.join();
    }

    private static int port(final String text)
    {
        final int port;
        try
        {
            port = Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("port=" + text + " is not a number", ex);
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("port=" + port + " is outside [1, 65535]");
        }
        return port;
    }
}
