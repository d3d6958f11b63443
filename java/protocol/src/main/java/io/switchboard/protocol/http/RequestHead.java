package io.switchboard.protocol.http;

import java.util.List;

/**
 * A decoded REQUEST_HEAD: what the worker's application sees of the request line and headers.
 *
 * @param application   the application the CM routed to.
 * @param method        e.g. {@code GET}.
 * @param target        the request target as sent, e.g. {@code /bytes?n=10}.
 * @param versionMinor  0 for HTTP/1.0, 1 for HTTP/1.1.
 * @param flags         {@link HttpHeadDescriptor#FLAG_HAS_BODY} and the others.
 * @param contentLength body bytes, or {@link HttpHeadDescriptor#UNKNOWN_LENGTH}.
 * @param remote        the CM's TCP peer: the client, or a proxy in front of it.
 * @param client        the client as the CM tells it through its trusted proxies (port 0); the remote address
 *                      when the peer is no trusted proxy.
 * @param headers       in the order received.
 */
public record RequestHead(
    String application,
    String method,
    String target,
    int versionMinor,
    int flags,
    long contentLength,
    RemoteAddress remote,
    RemoteAddress client,
    List<HttpHeader> headers)
{
    public boolean hasBody()
    {
        return (flags & HttpHeadDescriptor.FLAG_HAS_BODY) != 0;
    }
}
