package io.switchboard.protocol.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A decoded REQUEST_HEAD that {@link HeadReader#read(io.switchboard.ipc.memory.SharedBuffer, long, int,
 * ReusableRequestHead)} fills again for each request: the same fields as {@link RequestHead}, in an object (and a
 * header list) the worker keeps per channel slot instead of a record and a list made for every request.
 * <p>
 * Valid until it is read into again: whoever keeps one (the worker's exchange) reads the next request into it only
 * once nothing reads the last. Not thread-safe; handed to another thread through a happens-before edge (a thread
 * start, a volatile write).
 */
public final class ReusableRequestHead
{
    private final List<HttpHeader> headers = new ArrayList<>();
    /** What {@link #headers()} gives out: an application may read the list, not change it. */
    private final List<HttpHeader> readOnlyHeaders = Collections.unmodifiableList(headers);
    private String application;
    private String method;
    private String target;
    private int versionMinor;
    private int flags;
    private long contentLength;
    private RemoteAddress remote;
    private RemoteAddress client;

    void fixed(final int versionMinor, final int flags, final long contentLength, final RemoteAddress remote,
        final RemoteAddress client)
    {
        this.versionMinor = versionMinor;
        this.flags = flags;
        this.contentLength = contentLength;
        this.remote = remote;
        this.client = client;
    }

    void line(final String application, final String method, final String target)
    {
        this.application = application;
        this.method = method;
        this.target = target;
    }

    /**
     * @return the list to read the headers into, emptied.
     */
    List<HttpHeader> clearedHeaders()
    {
        headers.clear();
        return headers;
    }

    /**
     * @return a record of the same head, which keeps nothing of this object.
     */
    public RequestHead toRecord()
    {
        return new RequestHead(application, method, target, versionMinor, flags, contentLength, remote, client,
            new ArrayList<>(headers));
    }

    /** @return the application the CM routed to. */
    public String application()
    {
        return application;
    }

    /** @return e.g. {@code GET}. */
    public String method()
    {
        return method;
    }

    /** @return the request target as sent, e.g. {@code /bytes?n=10}. */
    public String target()
    {
        return target;
    }

    /** @return 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int versionMinor()
    {
        return versionMinor;
    }

    /** @return {@link HttpHeadDescriptor#FLAG_HAS_BODY} and the others. */
    public int flags()
    {
        return flags;
    }

    /** @return body bytes, or {@link HttpHeadDescriptor#UNKNOWN_LENGTH}. */
    public long contentLength()
    {
        return contentLength;
    }

    /** @return the CM's TCP peer: the client, or a proxy in front of it. */
    public RemoteAddress remote()
    {
        return remote;
    }

    /** @return the client as the CM tells it through its trusted proxies (port 0). */
    public RemoteAddress client()
    {
        return client;
    }

    /** @return the headers in the order received, read-only. */
    public List<HttpHeader> headers()
    {
        return readOnlyHeaders;
    }

    public boolean hasBody()
    {
        return (flags & HttpHeadDescriptor.FLAG_HAS_BODY) != 0;
    }
}
