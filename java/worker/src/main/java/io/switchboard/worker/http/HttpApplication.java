package io.switchboard.worker.http;

/**
 * An application deployed on a worker: it answers the HTTP requests the CM
 * routes to it. Found with {@link java.util.ServiceLoader} on the worker's
 * class path (list the class in
 * {@code META-INF/services/io.switchboard.worker.http.HttpApplication}).
 * <pre>{@code
 * public final class Hello implements HttpApplication
 * {
 *     public String name()
 *     {
 *         return "hello";
 *     }
 *
 *     public void handle(final HttpRequest request, final HttpResponse response) throws IOException
 *     {
 *         response.header("Content-Type", "text/plain");
 *         response.send("Hello, world!".getBytes(StandardCharsets.US_ASCII));
 *     }
 * }
 * }</pre>
 * Contract: {@link #handle} runs on a handler thread of the worker, many at
 * once; it may block (read the body, sleep, call a database). When it returns
 * the response is completed for it if it did not {@link HttpResponse#end()} it.
 * If it throws before anything was sent, the client gets a 500 that reveals
 * nothing of the exception; after the head went out, the CM closes the client's
 * connection (the response cannot be repaired). The worker lives on either way.
 */
public interface HttpApplication
{
    /**
     * @return the name the CM's routing refers to, e.g. {@code demo}.
     */
    String name();

    /**
     * Answers one request.
     */
    void handle(HttpRequest request, HttpResponse response) throws Exception;

    /**
     * Called once, on the worker's main thread, after the application was loaded and before the worker reports
     * READY: no request comes before it returns. Open here what {@link #handle} needs (connection pools, caches,
     * configuration). A warm spare worker runs it ahead of need, before it is given a slot, so it may run some
     * time before the first request.
     * <p>
     * If it throws, the worker does not start: the exception is logged (in the CM's log, with the worker's
     * output), the {@link #stop} of the applications already started is called, and the worker exits with status
     * 5; the CM restarts it with its usual backoff, and a slot whose workers keep failing is parked as
     * crash-looping. In a rolling restart, the worker it was to replace keeps serving.
     *
     * @throws Exception to refuse to start.
     */
    default void start() throws Exception
    {
    }

    /**
     * Called once when the worker stops in an orderly way (replaced by a rolling restart or recycling, its CM
     * stopping, or its CM gone), if {@link #start} returned: after the requests in flight have ended (a worker is
     * told to stop once its channels are drained, within {@code --drain-ms}) and before the JVM exits. Close here
     * what {@link #start} opened. It must return within {@code --worker-stop-grace-ms} (5 s by default) of the
     * worker being told to stop, or the worker is killed. An exception is logged and ignored. Not called when the
     * process is killed ({@code kill -9}, a hung worker replaced).
     *
     * @throws Exception logged.
     */
    default void stop() throws Exception
    {
    }

    /**
     * Whether {@link #handle} may run for this request on the worker's polling
     * thread instead of a handler thread of its own, which saves a hand-off
     * between threads (a wake-up, often on the other core) on the cheapest
     * requests. Only for a request the handler answers without blocking: no
     * sleep, no I/O, no lock, and a response small enough to fit the ring at
     * once (tens of KiB), because while it runs no other channel of this worker
     * is read. Never asked for a request with a body.
     *
     * @return false unless the application knows better; the default.
     */
    default boolean isNonBlocking(final HttpRequest request)
    {
        return false;
    }
}
