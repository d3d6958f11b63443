package io.switchboard.cm.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin plane: a small HTTP listener on the loopback interface only (it has
 * no authentication: whoever may connect to 127.0.0.1 may restart workers),
 * apart from the client listener, so that no client request can reach it.
 * <ul>
 *     <li>{@code POST /admin/workers/restart}: starts a rolling restart of every worker; 202, or 409
 *     while one runs.</li>
 *     <li>{@code GET /admin/status}: the instance and its worker slots, as JSON.</li>
 * </ul>
 * Served by the JDK's {@code com.sun.net.httpserver} on one thread of its own: an
 * operator's tool, not a hot path.
 */
public final class AdminServer implements AutoCloseable
{
    private final HttpServer server;

    /**
     * Binds {@code 127.0.0.1:port}.
     *
     * @param port           0 for any free port.
     * @param restartWorkers starts a rolling restart; false if one runs already.
     * @param statusJson     the status document.
     * @throws UncheckedIOException naming the address when it cannot bind.
     */
    public AdminServer(final int port, final BooleanSupplier restartWorkers, final Supplier<String> statusJson)
    {
        final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try
        {
            server = HttpServer.create(address, 16);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot listen for admin requests on " + address.getHostString() + ":" + port +
                ": " + ex.getMessage() + " (--admin-port chooses another, -1 turns the admin listener off)", ex);
        }
        server.createContext("/admin/workers/restart", exchange -> handle(exchange, () ->
        {
            if (!"POST".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, 405, "text/plain", "POST starts a rolling restart\n");
            }
            else if (restartWorkers.getAsBoolean())
            {
                respond(exchange, 202, "text/plain", "rolling restart started; GET /admin/status follows it\n");
            }
            else
            {
                respond(exchange, 409, "text/plain", "a rolling restart is running already (or the instance is stopping)\n");
            }
        }));
        server.createContext("/admin/status", exchange -> handle(exchange, () ->
        {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "text/plain", "GET the status\n");
            }
            else
            {
                respond(exchange, 200, "application/json", statusJson.get());
            }
        }));
        server.createContext("/", exchange -> handle(exchange, () ->
            respond(exchange, 404, "text/plain", "POST /admin/workers/restart or GET /admin/status\n")));
        server.setExecutor(Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "switchboard-admin");
            thread.setDaemon(true);
            return thread;
        }));
    }

    /**
     * @return the address bound.
     */
    public InetSocketAddress start()
    {
        server.start();
        return server.getAddress();
    }

    public void close()
    {
        server.stop(0);
        ((java.util.concurrent.ExecutorService)server.getExecutor()).shutdownNow();
    }

    private interface Handler
    {
        void handle() throws IOException;
    }

    private static void handle(final HttpExchange exchange, final Handler handler)
    {
        try (exchange)
        {
            exchange.getRequestBody().readAllBytes();
            handler.handle();
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("switchboard: admin request " + exchange.getRequestMethod() + " " +
                exchange.getRequestURI() + " failed: " + ex);
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final String type, final String body)
        throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head)
        {
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(bytes);
            }
        }
    }
}
