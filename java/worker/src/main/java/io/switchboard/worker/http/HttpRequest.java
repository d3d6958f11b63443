package io.switchboard.worker.http;

import io.switchboard.protocol.http.HttpHeader;

import java.io.InputStream;
import java.util.List;

/**
 * A request as the CM parsed it: the request line, the headers, and the body
 * as a stream (the CM has removed any chunked framing).
 */
public interface HttpRequest
{
    /**
     * @return e.g. {@code GET}.
     */
    String method();

    /**
     * @return the request target as sent, e.g. {@code /bytes?n=10}.
     */
    String target();

    /**
     * @return the target's path, e.g. {@code /bytes}.
     */
    String path();

    /**
     * @return the target's query without the {@code ?}, or an empty string.
     */
    String query();

    /**
     * @return the value of a query parameter (not decoded), or null.
     */
    String queryParameter(String name);

    /**
     * @return every header, in the order received.
     */
    List<HttpHeader> headers();

    /**
     * @return the first value of a header (name compared ignoring case), or null.
     */
    String header(String name);

    /**
     * @return the body length when known, else -1 (the body is streamed to its end).
     */
    long contentLength();

    /**
     * @return the body; read it to its end (-1). Reading blocks until the client
     * has sent more. Fails with {@link java.io.IOException} once the request is cancelled.
     */
    InputStream body();

    /**
     * @return true once the client has gone away: a streaming handler stops.
     */
    boolean isCancelled();
}
