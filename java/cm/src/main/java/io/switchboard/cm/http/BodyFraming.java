package io.switchboard.cm.http;

/**
 * How the request's body is delimited (RFC 9112 section 6.3).
 */
public enum BodyFraming
{
    /** No body: neither Content-Length nor Transfer-Encoding. The next request starts right after the head. */
    NONE,

    /** Exactly {@link RequestHead#contentLength()} bytes follow the head (0 allowed). */
    CONTENT_LENGTH,

    /** A chunked body follows the head: feed it to a {@link ChunkedDecoder}. */
    CHUNKED
}
