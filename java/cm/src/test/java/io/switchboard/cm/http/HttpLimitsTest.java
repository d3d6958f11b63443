package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpLimitsTest
{
    @Test
    void shouldHaveSafeDefaults()
    {
        final HttpLimits limits = HttpLimits.DEFAULT;

        assertEquals(8 * 1024, limits.maxRequestLineLength());
        assertEquals(32 * 1024, limits.maxHeadLength());
        assertEquals(100, limits.maxHeaderCount());
        assertEquals(16L * 1024 * 1024, limits.maxBodyLength());
    }

    @Test
    void shouldReplaceOnlyTheBodyLimit()
    {
        final HttpLimits limits = HttpLimits.DEFAULT.withMaxBodyLength(7);

        assertEquals(7, limits.maxBodyLength());
        assertEquals(HttpLimits.DEFAULT.maxHeadLength(), limits.maxHeadLength());
        assertEquals(HttpLimits.DEFAULT.maxTrailerLength(), limits.maxTrailerLength());
    }

    @Test
    void shouldRefuseInconsistentLimitsNamingEveryValue()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new HttpLimits(4096, 1024, 10, 0, 0, 16, 0));

        assertTrue(ex.getMessage().contains("maxRequestLineLength=4096, maxHeadLength=1024"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(15, 1024, 10, 0, 0, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(16, 2 * 1024 * 1024, 10, 0, 0, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(16, 1024, 0, 0, 0, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(16, 1024, 257, 0, 0, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(16, 1024, 10, -1, 0, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(16, 1024, 10, 0, -1, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(16, 1024, 10, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(16, 1024, 10, 0, 0, 16, -1));
    }
}
