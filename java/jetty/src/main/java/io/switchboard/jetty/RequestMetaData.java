package io.switchboard.jetty;

import io.switchboard.protocol.http.HttpHeader;
import io.switchboard.worker.http.HttpRequest;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;

import java.util.List;

/**
 * Turns the CM's parsed head into Jetty's request metadata for one {@link ChannelHttpStream}, keeping the Jetty
 * fields it made for the last exchange: the worker's reader gives a header sent again as the same
 * {@link HttpHeader} object (its cache), so a field at the same place as last time is the same Jetty field, made
 * once. Jetty's fields are immutable, and a stream serves one exchange at a time, so nothing is shared that could
 * change. Without it each request cost a Jetty field per header and a parsed {@code Host} ({@link HostPortHttpField}).
 * <p>
 * The URI is kept the same way: the reader gives a target sent again as the same String, and the Host is the kept
 * field, so the same pair is the same {@link HttpURI}, parsed once, and its authority ({@code host:port}), which
 * Jetty's compliance check asks for on every request, joined once ({@link JoinedAuthorityURI}): Jetty's own URIs,
 * mutable or not, join a new String each time. The fields go to Jetty as an immutable list made from an array of
 * the exact size, which Jetty keeps as it is, instead of a mutable list it copied.
 */
final class RequestMetaData
{
    /** Fields kept, by position: more than the common request carries. */
    private static final int KEPT = 16;

    private final HttpHeader[] headers = new HttpHeader[KEPT];
    private final HttpField[] fields = new HttpField[KEPT];
    /** The last request's target and Host field (by identity) and the URI made of them. */
    private String target;
    private HostPortHttpField host;
    private HttpURI uri;

    /**
     * The method, the target and the fields as received (the CM has checked them), the body's length or -1.
     *
     * @throws BadMessageException when Jetty refuses the Host ({@code HostPort}'s "Bad port" and the like).
     */
    MetaData.Request of(final HttpRequest request)
    {
        final List<HttpHeader> received = request.headers();
        final HttpField[] built = new HttpField[received.size()];
        HostPortHttpField host = null;
        for (int i = 0; i < built.length; i++)
        {
            final HttpHeader header = received.get(i);
            final boolean isHost = host == null && "Host".equalsIgnoreCase(header.name());
            final HttpField field = field(i, header, isHost);
            if (isHost)
            {
                host = (HostPortHttpField)field;
            }
            built[i] = field;
        }
        return new MetaData.Request(request.method(), uri(host, request.target()), HttpVersion.HTTP_1_1,
            HttpFields.from(built), request.contentLength());
    }

    private HttpURI uri(final HostPortHttpField host, final String target)
    {
        if (uri == null || host != this.host || !target.equals(this.target))
        {
            // as MetaData.Request(method, scheme, host, target, ...) builds it, once
            uri = new JoinedAuthorityURI(HttpURI.build()
                .scheme(HttpScheme.HTTP)
                .host(host == null ? null : host.getHost())
                .port(host == null ? -1 : host.getPort())
                .pathQuery(target)
                .asImmutable());
            this.host = host;
            this.target = target;
        }
        return uri;
    }

    private HttpField field(final int index, final HttpHeader header, final boolean isHost)
    {
        if (index < KEPT && headers[index] == header && fields[index] instanceof HostPortHttpField == isHost)
        {
            return fields[index];
        }
        final HttpField field = isHost ? new HostPortHttpField(header.value()) : new HttpField(header.name(), header.value());
        if (index < KEPT)
        {
            headers[index] = header;
            fields[index] = field;
        }
        return field;
    }
}
