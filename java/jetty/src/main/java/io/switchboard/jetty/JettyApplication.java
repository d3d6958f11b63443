package io.switchboard.jetty;

import io.switchboard.rpc.thread.HandlerThreads;
import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * A Jetty {@link Handler} (a web application's context, or any handler) served as one of the worker's
 * applications: each exchange the CM routes to {@link #name()} becomes a Jetty request, built from the head the CM
 * already parsed (no second HTTP parse), with the body and the response on the channel's rings
 * ({@link ChannelHttpStream}). The handler runs unmodified.
 * <p>
 * Threads: {@link #handle} runs on the exchange's virtual thread, hands the request to Jetty there, and parks
 * until Jetty ends the exchange, which an asynchronous servlet may do on another thread. Jetty's own tasks (async
 * dispatches, content callbacks) run on virtual threads too ({@link VirtualThreadPool}), so a write that waits for
 * ring space never holds a platform thread.
 * <p>
 * Each application has a Jetty {@link Server} of its own (a server dispatches to one handler tree), and closing the
 * application stops it.
 */
public final class JettyApplication implements HttpApplication, AutoCloseable
{
    /**
     * The streams (and their Jetty channels) kept between exchanges: as many as a worker serves at once in the
     * common case; more exchanges at once still run, with streams made for them.
     */
    static final int POOLED_STREAMS = 256;
    /** A platform thread of the pool (Java 17 to 20) idle this long ends. */
    private static final int PLATFORM_THREAD_IDLE_MS = 60_000;

    private final String name;
    private final Server server;
    private final ChannelConnector connector;
    private final HttpChannel.Factory channels = new HttpChannel.DefaultFactory();
    private final Executor executor;
    private final ChannelHttpStreamPool streams;

    /**
     * @param name    the application's name, which the CM's routes refer to (a web application's is its context
     *                path).
     * @param server  a server not started, with its handler set and a thread pool from
     *                {@link #newServer(int)}; it gets the connector and is started here.
     */
    public JettyApplication(final String name, final Server server) throws Exception
    {
        this.name = name;
        this.server = server;
        this.connector = new ChannelConnector(server, newConfiguration());
        server.addConnector(connector);
        server.start();
        this.executor = server.getThreadPool();
        this.streams = new ChannelHttpStreamPool(POOLED_STREAMS, () -> new ChannelHttpStream(connector, channels, executor));
    }

    /**
     * @param platformThreads the most threads of a JVM without virtual threads (Java 17 to 20), the worker's
     *                        {@code --handler-threads}: requests beyond wait in the pool's queue for one.
     * @return a server for this adapter: its threads are virtual where the JVM has them (21+), else a bounded pool.
     */
    public static Server newServer(final int platformThreads)
    {
        if (HandlerThreads.hasVirtualThreads())
        {
            final VirtualThreadPool threads = new VirtualThreadPool();
            threads.setName("jetty");
            return new Server(threads);
        }
        // min 1: an idle worker holds one thread, not the whole pool; idle ones go after a minute
        final QueuedThreadPool threads = new QueuedThreadPool(platformThreads, 1, PLATFORM_THREAD_IDLE_MS);
        threads.setName("jetty");
        return new Server(threads);
    }

    private static HttpConfiguration newConfiguration()
    {
        final HttpConfiguration configuration = new HttpConfiguration();
        // the CM writes Date and Server on every response
        configuration.setSendDateHeader(false);
        configuration.setSendServerVersion(false);
        configuration.setSendXPoweredBy(false);
        return configuration;
    }

    public Server server()
    {
        return server;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        final ChannelHttpStream stream = streams.acquire();
        final MetaData.Request metaData;
        try
        {
            metaData = stream.requestMetaData(request);
        }
        catch (final IllegalArgumentException | BadMessageException ex)
        {
            // not begun: the stream is as it was
            streams.release(stream);
            // a head the CM let through that Jetty cannot take (the CM refuses the Hosts Jetty refuses; this is
            // the guard should the two ever differ): the client's error, not the application's
            final Throwable cause = ex.getCause() == null ? ex : ex.getCause();
            final byte[] body = ("Bad Request: " + ex.getMessage() + " (" + cause.getMessage() + ")\n")
                .getBytes(StandardCharsets.US_ASCII);
            response.status(400).header("Content-Type", "text/plain");
            response.send(body);
            return;
        }
        stream.begin(request, response);
        final long exchange = stream.exchange();
        request.onCancel(() -> stream.cancelled(exchange));
        final Runnable task = stream.channel().onRequest(metaData);
        if (task != null)
        {
            task.run();
        }
        if (stream.awaitCompletion())
        {
            streams.release(stream);
        }
    }

    /**
     * @return how many streams wait to be reused (for tests).
     */
    int idleStreams()
    {
        return streams.idle();
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }

    @Override
    public String toString()
    {
        return "JettyApplication[" + name + "]";
    }
}
