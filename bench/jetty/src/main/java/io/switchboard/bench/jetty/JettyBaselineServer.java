package io.switchboard.bench.jetty;

import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;

import io.switchboard.bench.jetty.servlet.BytesServlet;
import io.switchboard.bench.jetty.servlet.HelloServlet;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;

/**
 * The Jetty baseline of {@code bench/http/run.sh}: a Jetty 12 server with Jetty's default thread pool and
 * connector settings, serving {@link HelloBytesHandler} over HTTP/1.1 on 127.0.0.1 only, and under {@code /servlet}
 * the servlet cases ({@link HelloServlet}, {@link BytesServlet}) in the web application WEBAPP
 * ({@code bench/jetty/src/main/webapp}).
 * <p>
 * The web application is deployed as Switchboard's workers deploy it ({@code --webapp /servlet=WEBAPP}): a
 * {@link WebAppContext} on the same directory, with Jetty's default descriptor (its default and JSP servlets, its
 * security constraints) and a session handler, the servlet classes coming from the class path (this jar here, the
 * worker's class path there). Both sides of the servlet cases thus run the same code per request; a bare
 * {@code ServletContextHandler} would skip part of it and flatter Jetty standalone.
 * <pre>
 *   java -jar bench/jetty/target/switchboard-bench-jetty.jar PORT WEBAPP
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
     * @param args the TCP port and the web application's directory (or WAR).
     * @throws Exception when the server cannot start, for example because the port is taken.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length != 2)
        {
            System.err.println("usage: java -jar switchboard-bench-jetty.jar PORT WEBAPP");
            System.exit(2);
        }
        final int port = port(args[0]);
        final Path webapp = Path.of(args[1]).toAbsolutePath();
        if (!Files.exists(webapp))
        {
            throw new IllegalArgumentException("no web application (WAR or directory) at " + webapp);
        }

        final HttpConfiguration httpConfig = new HttpConfiguration();
        // Neither nginx nor the CM is asked to advertise a version; the Date header stays (Jetty's default).
        httpConfig.setSendServerVersion(false);

        final Server server = new Server();
        final ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost(HOST);
        connector.setPort(port);
        server.addConnector(connector);
        // as JettyApplicationFactory deploys --webapp /servlet=WEBAPP on a worker
        final WebAppContext servlets = new WebAppContext();
        servlets.setContextPath("/servlet");
        servlets.setWar(webapp.toString());
        servlets.setThrowUnavailableOnStartupException(true);
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
