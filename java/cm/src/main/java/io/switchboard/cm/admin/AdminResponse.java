package io.switchboard.cm.admin;

import java.nio.charset.StandardCharsets;

/**
 * One answer of the admin listener: always complete, always small, always
 * followed by the connection's close.
 *
 * @param status      the final status.
 * @param contentType the body's media type, charset included.
 * @param body        the body's bytes; never a byte the peer sent.
 * @param allow       the {@code Allow} field of a 405, else null.
 */
record AdminResponse(int status, String contentType, byte[] body, String allow)
{
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";

    static AdminResponse text(final int status, final String body)
    {
        return new AdminResponse(status, TEXT, body.getBytes(StandardCharsets.UTF_8), null);
    }

    static AdminResponse json(final int status, final String body)
    {
        return new AdminResponse(status, JSON, body.getBytes(StandardCharsets.UTF_8), null);
    }

    static AdminResponse methodNotAllowed(final String allow, final String body)
    {
        return new AdminResponse(405, TEXT, body.getBytes(StandardCharsets.UTF_8), allow);
    }
}
