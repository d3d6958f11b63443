package io.switchboard.worker.http;

import java.util.List;

/**
 * Makes applications a worker cannot find by {@link java.util.ServiceLoader} alone, because they are built from
 * the worker's options: one per {@code --webapp PREFIX=PATH} (a Servlet container's web application, named by its
 * context path), or from classes of another kind found on the class path. Found with
 * {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.switchboard.worker.http.HttpApplicationFactory}); each factory is asked once, when the
 * worker loads its applications, before it has a slot.
 * <p>
 * An application made here that is {@link AutoCloseable} is closed when the worker stops.
 */
public interface HttpApplicationFactory
{
    /**
     * @return the applications to host, each with a name no other application has; empty if the options ask
     * nothing of this factory.
     * @throws Exception when an application cannot be made; the worker then does not start, and says why.
     */
    List<HttpApplication> create(HostingOptions options) throws Exception;

    /**
     * Called once the worker knows its slot (at once for most workers; for a spare, when it is handed one), before
     * it takes any request: e.g. to name the node in session ids ({@code w0} for slot 0).
     */
    default void onSlot(final int slot)
    {
    }
}
