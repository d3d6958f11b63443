package io.switchboard.protocol.http;

import java.util.List;

/**
 * A decoded RESPONSE_HEAD.
 *
 * @param status        the status code.
 * @param contentLength body bytes, or {@link HttpHeadDescriptor#UNKNOWN_LENGTH} (the CM chunks it).
 * @param headers       as the application set them.
 */
public record ResponseHead(int status, long contentLength, List<HttpHeader> headers)
{
}
