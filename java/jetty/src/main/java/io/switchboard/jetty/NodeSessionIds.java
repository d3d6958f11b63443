package io.switchboard.jetty;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.DefaultSessionIdManager;

/**
 * Jetty's session id manager with the worker's node name ({@code w0} for slot 0) as its worker name, the
 * {@code jvmRoute} convention of mod_jk: session ids are {@code w0<random>.w0}, and the CM reads the part after the
 * last dot to send the session's requests back to the worker that holds it. A spare worker learns its slot after
 * its web applications started, so the name can be set late; until then ids have no node and are routed like any
 * request.
 */
final class NodeSessionIds extends DefaultSessionIdManager
{
    NodeSessionIds(final Server server)
    {
        super(server);
    }

    /**
     * Sets the node name; Jetty refuses to change it on a running manager, which a spare's is.
     */
    void node(final String name)
    {
        _workerName = name;
    }
}
