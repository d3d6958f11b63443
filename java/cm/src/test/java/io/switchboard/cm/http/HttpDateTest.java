package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HttpDateTest
{
    private static final DateTimeFormatter IMF_FIXDATE =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0            | Thu, 01 Jan 1970 00:00:00 GMT",
        "784111777    | Sun, 06 Nov 1994 08:49:37 GMT",
        "951782400    | Tue, 29 Feb 2000 00:00:00 GMT",
        "951868799    | Tue, 29 Feb 2000 23:59:59 GMT",
        "4107542400   | Mon, 01 Mar 2100 00:00:00 GMT",
        "1709164800   | Thu, 29 Feb 2024 00:00:00 GMT",
        "253402300799 | Fri, 31 Dec 9999 23:59:59 GMT" })
    void shouldFormatKnownDates(final long epochSecond, final String expected)
    {
        assertEquals(expected, format(epochSecond));
    }

    @Test
    void shouldAgreeWithJavaTimeOnRandomInstants()
    {
        final Random random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            final long epochSecond = (long)(random.nextDouble() * 253_402_300_800L);
            assertEquals(IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond)), format(epochSecond), "epochSecond=" +
                epochSecond);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { -1, 253_402_300_800L, Long.MAX_VALUE })
    void shouldRefuseDatesWithoutAFourDigitYear(final long epochSecond)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> format(epochSecond));

        assertEquals("date out of range (1970 to 9999): epochSecond=" + epochSecond, ex.getMessage());
    }

    @Test
    void shouldChangeOnlyWhenTheSecondChanges()
    {
        final HttpTestSupport.ManualClock clock = new HttpTestSupport.ManualClock(784_111_777_000L);
        final HttpDate date = new HttpDate(clock);

        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", date.toString());
        clock.millis += 999;
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", date.toString());
        clock.millis += 1;
        assertEquals("Sun, 06 Nov 1994 08:49:38 GMT", date.toString());
        clock.millis += 86_400_000L;
        assertEquals("Mon, 07 Nov 1994 08:49:38 GMT", date.toString());
        clock.millis -= 86_400_000L;
        assertEquals("Sun, 06 Nov 1994 08:49:38 GMT", date.toString());
    }

    @Test
    void shouldWriteIntoABufferOrNothing()
    {
        final HttpDate date = new HttpDate(new HttpTestSupport.ManualClock(0));
        final ByteBuffer buffer = ByteBuffer.allocate(HttpDate.LENGTH + 1);
        buffer.put((byte)'>');

        date.put(buffer);

        assertEquals(">Thu, 01 Jan 1970 00:00:00 GMT", new String(buffer.array(), StandardCharsets.US_ASCII));
        buffer.position(2);
        assertThrows(BufferOverflowException.class, () -> date.put(buffer));
        assertEquals(2, buffer.position());
    }

    private static String format(final long epochSecond)
    {
        final byte[] bytes = new byte[HttpDate.LENGTH + 2];
        HttpDate.format(epochSecond, bytes, 1);
        assertEquals(0, bytes[0]);
        assertEquals(0, bytes[HttpDate.LENGTH + 1]);
        return new String(bytes, 1, HttpDate.LENGTH, StandardCharsets.US_ASCII);
    }
}
