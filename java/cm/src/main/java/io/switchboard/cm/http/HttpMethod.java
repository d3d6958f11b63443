package io.switchboard.cm.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The request methods the CM recognises without allocating; any other token
 * is {@link #OTHER} and readable from the head's bytes. Methods are
 * case-sensitive (RFC 9110 section 9.1): "get" is {@link #OTHER}.
 */
public enum HttpMethod
{
    GET,
    HEAD,
    POST,
    PUT,
    DELETE,
    OPTIONS,
    TRACE,
    PATCH,
    CONNECT,
    OTHER;

    // values() clones its array on every call: the parser uses this copy.
    private static final HttpMethod[] KNOWN = { GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH, CONNECT };

    private final byte[] bytes = name().getBytes(StandardCharsets.US_ASCII);

    static HttpMethod of(final byte[] buffer, final int offset, final int length)
    {
        for (final HttpMethod method : KNOWN)
        {
            final byte[] bytes = method.bytes;
            if (bytes.length == length && Arrays.equals(bytes, 0, length, buffer, offset, offset + length))
            {
                return method;
            }
        }

        return OTHER;
    }
}
