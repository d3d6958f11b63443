package io.switchboard.jetty;

import org.eclipse.jetty.server.Handler;

/**
 * A Jetty {@link Handler} deployed on the workers without a WAR: list the class in
 * {@code META-INF/services/io.switchboard.jetty.HandlerApplication} on the worker's class path and route to its
 * name ({@code --route /api=api}).
 * <pre>{@code
 * public final class Api implements HandlerApplication
 * {
 *     public String name()
 *     {
 *         return "api";
 *     }
 *
 *     public Handler newHandler()
 *     {
 *         return new Handler.Abstract.NonBlocking()
 *         {
 *             public boolean handle(Request request, Response response, Callback callback)
 *             {
 *                 Content.Sink.write(response, true, "Hello from Jetty", callback);
 *                 return true;
 *             }
 *         };
 *     }
 * }
 * }</pre>
 * The handler sees the request's full path (routing does not strip the prefix).
 */
public interface HandlerApplication
{
    /**
     * @return the application name the CM's routes refer to.
     */
    String name();

    /**
     * @return the handler; called once per worker.
     */
    Handler newHandler() throws Exception;
}
