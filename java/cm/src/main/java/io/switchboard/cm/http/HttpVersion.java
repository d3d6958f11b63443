package io.switchboard.cm.http;

/**
 * The request's protocol version. A request line naming HTTP/1.2 to HTTP/1.9
 * is treated as {@link #HTTP_1_1}, as RFC 9110 section 2.5 asks of a
 * recipient that implements the major version but not that minor one.
 */
public enum HttpVersion
{
    HTTP_1_0,
    HTTP_1_1
}
