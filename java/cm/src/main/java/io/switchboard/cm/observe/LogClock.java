package io.switchboard.cm.observe;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats event times for the access log, in UTC, from epoch milliseconds: the part down to the second is
 * made once per second and kept (the only allocation, once a second at most), the milliseconds appended.
 * <pre>
 *   combined   02/Dec/2026:15:53:24 +0000
 *   iso        2026-12-02T15:53:24.123Z
 * </pre>
 * Not thread-safe: the handler thread's.
 */
final class LogClock
{
    private static final DateTimeFormatter COMBINED =
        DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private long second = Long.MIN_VALUE;
    private byte[] combined;
    private byte[] iso;

    void combined(final long epochMs, final LineBuffer line)
    {
        at(epochMs);
        line.bytes(combined, 0, combined.length).ascii(" +0000");
    }

    void iso(final long epochMs, final LineBuffer line)
    {
        at(epochMs);
        line.bytes(iso, 0, iso.length).append('.').padded(Math.floorMod(epochMs, 1000L), 3).append('Z');
    }

    private void at(final long epochMs)
    {
        final long s = Math.floorDiv(epochMs, 1000L);
        if (s != second)
        {
            final Instant instant = Instant.ofEpochSecond(s);
            combined = COMBINED.format(instant).getBytes(StandardCharsets.US_ASCII);
            iso = ISO.format(instant).getBytes(StandardCharsets.US_ASCII);
            second = s;
        }
    }
}
