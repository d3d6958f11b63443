package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoded RESPONSE_HEAD, whole, for tests and tools; the CM relays with the flyweight
 * {@link ResponseHeadDecoder}, whose checks {@link #decode} applies.
 *
 * @param status        the status code.
 * @param contentLength body bytes, or {@link HttpHeadDescriptor#UNKNOWN_LENGTH} (the CM chunks it).
 * @param headers       as the application set them.
 */
public record ResponseHead(int status, long contentLength, List<HttpHeader> headers)
{
    /**
     * @throws HeadFormatException when the frame is malformed.
     */
    public static ResponseHead decode(final SharedBuffer memory, final long offset, final int length)
    {
        final ResponseHeadDecoder decoder = new ResponseHeadDecoder().wrap(memory, offset, length);
        final List<HttpHeader> headers = new ArrayList<>(decoder.headerCount());
        decoder.forEachHeader((segment, nameOffset, nameLength, valueOffset, valueLength) ->
            headers.add(new HttpHeader(string(segment, nameOffset, nameLength), string(segment, valueOffset, valueLength))));
        return new ResponseHead(decoder.status(), decoder.contentLength(), headers);
    }

    private static String string(final SharedBuffer memory, final long offset, final int length)
    {
        return new String(memory.toByteArray(offset, length), StandardCharsets.ISO_8859_1);
    }
}
