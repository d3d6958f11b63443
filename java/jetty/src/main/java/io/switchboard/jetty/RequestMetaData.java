package io.switchboard.jetty;

import io.switchboard.protocol.http.HttpHeader;
import io.switchboard.worker.http.HttpRequest;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;

import java.util.List;

/**
 * Turns the CM's parsed head into Jetty's request metadata for one {@link ChannelHttpStream}, keeping the Jetty
 * fields it made for the last exchange: the worker's reader gives a header sent again as the same
 * {@link HttpHeader} object (its cache), so a field at the same place as last time is the same Jetty field, made
 * once. Jetty's fields are immutable, and a stream serves one exchange at a time, so nothing is shared that could
 * change. Without it each request cost a Jetty field per header and a parsed {@code Host} ({@link HostPortHttpField}).
 */
final class RequestMetaData
{
    /** Fields kept, by position: more than the common request carries. */
    private static final int KEPT = 16;

    private final HttpHeader[] headers = new HttpHeader[KEPT];
    private final HttpField[] fields = new HttpField[KEPT];

    /**
     * The method, the target and the fields as received (the CM has checked them), the body's length or -1.
     *
     * @throws BadMessageException when Jetty refuses the Host ({@code HostPort}'s "Bad port" and the like).
     */
    MetaData.Request of(final HttpRequest request)
    {
        final List<HttpHeader> received = request.headers();
        final HttpFields.Mutable built = HttpFields.build(received.size());
        HostPortHttpField host = null;
        for (int i = 0; i < received.size(); i++)
        {
            final HttpHeader header = received.get(i);
            final boolean isHost = host == null && "Host".equalsIgnoreCase(header.name());
            final HttpField field = field(i, header, isHost);
            if (isHost)
            {
                host = (HostPortHttpField)field;
            }
            built.add(field);
        }
        return new MetaData.Request(request.method(), HttpScheme.HTTP.asString(), host, request.target(),
            HttpVersion.HTTP_1_1, built, request.contentLength());
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
