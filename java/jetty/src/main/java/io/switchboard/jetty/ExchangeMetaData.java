package io.switchboard.jetty;

import io.switchboard.worker.http.HttpRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Attributes;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What Jetty knows of the "connection" an exchange came on: in a worker that is the channel, and what it can tell
 * of the client's connection is what the CM put in REQUEST_HEAD (the peer's address and port). Persistence,
 * timeouts and TLS are the CM's business; to Jetty every exchange is an HTTP/1.1 request on a connection it
 * neither keeps nor closes.
 * <p>
 * One instance serves the exchanges of one {@link ChannelHttpStream}, one at a time ({@link #begin}); the
 * attributes an application sets on the "connection" are dropped at the end of each, since the next exchange
 * may come from another client.
 */
final class ExchangeMetaData extends Attributes.Lazy implements ConnectionMetaData
{
    /** The CM's listening address is not in the frame; servlets asking for the local address get this. */
    private static final InetSocketAddress UNKNOWN_LOCAL = new InetSocketAddress(0);

    private final ChannelConnector connector;
    private volatile HttpRequest request;

    ExchangeMetaData(final ChannelConnector connector)
    {
        this.connector = connector;
    }

    void begin(final HttpRequest request)
    {
        this.request = request;
    }

    void end()
    {
        clearAttributes();
        request = null;
    }

    @Override
    public String getId()
    {
        final HttpRequest current = request;
        return current == null ? "idle" : current.requestId();
    }

    @Override
    public HttpConfiguration getHttpConfiguration()
    {
        return connector.configuration();
    }

    @Override
    public HttpVersion getHttpVersion()
    {
        return HttpVersion.HTTP_1_1;
    }

    @Override
    public String getProtocol()
    {
        return "switchboard";
    }

    @Override
    public Connection getConnection()
    {
        // no Jetty connection: the client's connection lives in the CM
        return null;
    }

    @Override
    public Connector getConnector()
    {
        return connector;
    }

    @Override
    public boolean isSecure()
    {
        // the CM speaks plain HTTP (Jetty's default would ask the connection's end point)
        return false;
    }

    @Override
    public boolean isPushSupported()
    {
        return false;
    }

    @Override
    public boolean isPersistent()
    {
        return true;
    }

    @Override
    public SocketAddress getRemoteSocketAddress()
    {
        final HttpRequest current = request;
        return current == null ? null : current.remoteAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress()
    {
        return UNKNOWN_LOCAL;
    }
}
