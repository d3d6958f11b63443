package io.switchboard.cm.http;

/**
 * The shape of a request target (RFC 9112 section 3.2). The authority-form
 * does not appear: it belongs to CONNECT, which the CM refuses with 501.
 */
public enum TargetForm
{
    /** {@code /path?query}: what a client sends to an origin server. */
    ORIGIN,

    /** {@code http://host/path?query}: what a client sends to a proxy; a server must accept it too. */
    ABSOLUTE,

    /** {@code *}: OPTIONS on the server as a whole. */
    ASTERISK
}
