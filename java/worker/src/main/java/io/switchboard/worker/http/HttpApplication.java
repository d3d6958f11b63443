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
