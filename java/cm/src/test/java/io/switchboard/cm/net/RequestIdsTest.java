package io.switchboard.cm.net;

import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.cm.http.RequestHeadParser;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestIdsTest
{
    private final RequestIds ids = new RequestIds(0x0123_4567_89AB_CDEFL);
    private final byte[] into = new byte[HttpExchange.REQUEST_ID_MAX_LENGTH];

    @Test
    void shouldGenerateDistinctUrlSafeIdsOfOnePrefix()
    {
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++)
        {
            final String id = new String(into, 0, ids.generate(into), StandardCharsets.US_ASCII);
            assertEquals(RequestIds.GENERATED_LENGTH, id.length());
            assertTrue(id.matches("[A-Za-z0-9_-]+"), id);
            assertTrue(seen.add(id), id);
        }
        assertEquals("AEjRWeJq83v", new String(into, 0, 11, StandardCharsets.US_ASCII));
        assertEquals(RequestIds.GENERATED_LENGTH, new RequestIds(0x0123_4567_89AB_CDEFL).generate(into));
        assertEquals("AEjRWeJq83vAAAAAAAAAAA", new String(into, 0, RequestIds.GENERATED_LENGTH, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldKeepAValidIdAndReplaceAnInvalidOne()
    {
        assertEquals("abc-123", assign("X-Request-Id: abc-123\r\n"));
        assertEquals("first", assign("x-request-id: first\r\nX-Request-Id: second\r\n"));
        final String longest = "a".repeat(HttpExchange.REQUEST_ID_MAX_LENGTH);
        assertEquals(longest, assign("X-Request-Id: " + longest + "\r\n"));
        assertTrue(assign("").matches("[A-Za-z0-9_-]{22}"));
        for (final String invalid : new String[] {"a".repeat(HttpExchange.REQUEST_ID_MAX_LENGTH + 1), "has space", "caf\u00e9", ""})
        {
            final String assigned = assign("X-Request-Id: " + invalid + "\r\n");
            assertTrue(assigned.matches("[A-Za-z0-9_-]{22}"), invalid + " -> " + assigned);
        }
    }

    private String assign(final String fields)
    {
        final RequestHeadParser parser = new RequestHeadParser(HttpLimits.DEFAULT);
        final byte[] bytes = ("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(parser.parse(ByteBuffer.wrap(bytes)));
        final RequestHead head = parser.head();
        return new String(into, 0, ids.assign(head, into), StandardCharsets.ISO_8859_1);
    }
}
