package io.switchboard.jetty;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;

import java.util.Collection;
import java.util.List;

/**
 * The connector of a Jetty server fed by the worker's channels: it accepts nothing (the CM owns every socket), and
 * exists because a Jetty request reaches its server, executor, buffer pool and {@link HttpConfiguration} through
 * its connector. Each exchange is handed to Jetty by {@link JettyApplication} instead.
 */
final class ChannelConnector extends AbstractConnector
{
    private final HttpConfiguration configuration;

    ChannelConnector(final Server server, final HttpConfiguration configuration)
    {
        // no acceptor threads; the factory only names the protocol for Jetty's bookkeeping
        super(server, null, null, null, 0, new HttpConnectionFactory(configuration));
        this.configuration = configuration;
        setName("switchboard-channel");
    }

    HttpConfiguration configuration()
    {
        return configuration;
    }

    @Override
    protected void accept(final int acceptorId)
    {
        throw new UnsupportedOperationException("the CM accepts connections, not the worker");
    }

    @Override
    public Object getTransport()
    {
        return null;
    }

    @Override
    public Collection<EndPoint> getConnectedEndPoints()
    {
        return List.of();
    }
}
