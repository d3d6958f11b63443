package io.switchboard.cm.http;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;

/**
 * The {@code Date} value of responses (RFC 9110 section 5.6.7, IMF-fixdate:
 * {@code Sun, 06 Nov 1994 08:49:37 GMT}), formatted at most once per second.
 * <p>
 * Every response carries the date, and its text changes once a second: the
 * bytes are kept and formatted again only when the clock's second has moved,
 * straight into the same array (no {@code java.time} objects, no allocation).
 * The clock is given, so tests move it by hand.
 * <p>
 * Not thread-safe: one per I/O thread.
 */
public final class HttpDate
{
    /** Bytes of an IMF-fixdate. */
    public static final int LENGTH = 29;

    private static final byte[] DAY_NAMES = "SunMonTueWedThuFriSat".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MONTH_NAMES = "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(StandardCharsets.US_ASCII);
    private static final long SECONDS_PER_DAY = 86_400;
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z: four-digit years only

    private final InstantSource clock;
    private final byte[] bytes = new byte[LENGTH];
    private long epochSecond = Long.MIN_VALUE;

    /**
     * @param clock the time source, {@link InstantSource#system()} in production; read through
     *              {@link InstantSource#millis()} on every use.
     */
    public HttpDate(final InstantSource clock)
    {
        this.clock = clock;
    }

    /**
     * Writes the current date (29 bytes) at the buffer's position and advances it.
     *
     * @throws BufferOverflowException when fewer than {@link #LENGTH} bytes remain; nothing is written then.
     */
    public void put(final ByteBuffer buffer)
    {
        if (buffer.remaining() < LENGTH)
        {
            throw new BufferOverflowException();
        }
        buffer.put(current());
    }

    /**
     * @return the current date as a String (allocates; for tests and diagnostics).
     */
    @Override
    public String toString()
    {
        return new String(current(), StandardCharsets.US_ASCII);
    }

    private byte[] current()
    {
        final long second = Math.floorDiv(clock.millis(), 1000L);
        if (second != epochSecond)
        {
            format(second, bytes, 0);
            epochSecond = second;
        }

        return bytes;
    }

    /**
     * Formats {@code epochSecond} as an IMF-fixdate into {@code destination} at {@code offset}.
     *
     * @param epochSecond seconds since 1970-01-01T00:00:00Z, up to the end of year 9999.
     */
    static void format(final long epochSecond, final byte[] destination, final int offset)
    {
        if (epochSecond < 0 || epochSecond > MAX_EPOCH_SECOND)
        {
            throw new IllegalArgumentException("date out of range (1970 to 9999): epochSecond=" + epochSecond);
        }

        final long days = epochSecond / SECONDS_PER_DAY;
        final int secondOfDay = (int)(epochSecond % SECONDS_PER_DAY);

        // Civil date from a day count: count from 0000-03-01 so the leap day ends each 4, 100 and 400-year cycle.
        final long shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
        final long era = shifted / 146_097;
        final int dayOfEra = (int)(shifted - era * 146_097);
        final int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final int shiftedMonth = (5 * dayOfYear + 2) / 153; // 0 is March
        final int dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        final int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        final int year = (int)(era * 400 + yearOfEra + (month <= 2 ? 1 : 0));
        final int dayOfWeek = (int)((days + 4) % 7); // 1970-01-01 was a Thursday; 0 is Sunday

        int i = offset;
        i = copy(DAY_NAMES, dayOfWeek * 3, destination, i);
        destination[i++] = ',';
        destination[i++] = ' ';
        i = twoDigits(dayOfMonth, destination, i);
        destination[i++] = ' ';
        i = copy(MONTH_NAMES, (month - 1) * 3, destination, i);
        destination[i++] = ' ';
        i = twoDigits(year / 100, destination, i);
        i = twoDigits(year % 100, destination, i);
        destination[i++] = ' ';
        i = twoDigits(secondOfDay / 3600, destination, i);
        destination[i++] = ':';
        i = twoDigits(secondOfDay / 60 % 60, destination, i);
        destination[i++] = ':';
        i = twoDigits(secondOfDay % 60, destination, i);
        destination[i++] = ' ';
        destination[i++] = 'G';
        destination[i++] = 'M';
        destination[i] = 'T';
    }

    private static int copy(final byte[] names, final int from, final byte[] destination, final int offset)
    {
        destination[offset] = names[from];
        destination[offset + 1] = names[from + 1];
        destination[offset + 2] = names[from + 2];

        return offset + 3;
    }

    private static int twoDigits(final int value, final byte[] destination, final int offset)
    {
        destination[offset] = (byte)('0' + value / 10);
        destination[offset + 1] = (byte)('0' + value % 10);

        return offset + 2;
    }
}
