package io.switchboard.cm.net;

import io.switchboard.cm.http.RequestHead;

/**
 * Gives every request its {@code X-Request-Id}: the client's when it sent a valid one (1 to
 * {@link HttpExchange#REQUEST_ID_MAX_LENGTH} bytes, each visible ASCII, {@code 0x21-0x7E}), else a new one of
 * {@link #GENERATED_LENGTH} characters, written into the exchange's own array, allocating nothing.
 * <pre>
 *   a generated id, base64url (RFC 4648 section 5) without padding:
 *   +-----------------------------+-----------------------------+
 *   |  prefix: 64 random bits,    |  counter: 64 bits, + 1 per  |
 *   |  drawn when the thread      |  id, most significant       |
 *   |  starts (11 characters)     |  first (11 characters)      |
 *   +-----------------------------+-----------------------------+
 * </pre>
 * One per I/O thread, each with its own random prefix, so ids are unique across the threads of an instance and,
 * with overwhelming probability, across instances and restarts.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class RequestIds
{
    static final int GENERATED_LENGTH = 22;
    private static final int HALF_LENGTH = 11;
    private static final byte[] ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String NAME = "x-request-id";

    private final byte[] prefix = new byte[HALF_LENGTH];
    private long counter;

    RequestIds(final long randomPrefix)
    {
        put(randomPrefix, prefix, 0);
    }

    /**
     * Fills {@code into} with the request's id.
     *
     * @param into at least {@link HttpExchange#REQUEST_ID_MAX_LENGTH} bytes.
     * @return the id's length.
     */
    int assign(final RequestHead head, final byte[] into)
    {
        final int index = head.findHeader(NAME, 0);
        if (index >= 0)
        {
            final int offset = head.headerValueOffset(index);
            final int length = head.headerValueLength(index);
            if (isValid(head.buffer(), offset, length))
            {
                System.arraycopy(head.buffer(), offset, into, 0, length);
                return length;
            }
        }
        return generate(into);
    }

    /**
     * Writes a new id.
     *
     * @return {@link #GENERATED_LENGTH}.
     */
    int generate(final byte[] into)
    {
        System.arraycopy(prefix, 0, into, 0, HALF_LENGTH);
        put(counter++, into, HALF_LENGTH);
        return GENERATED_LENGTH;
    }

    /**
     * @return whether the bytes make an id the CM passes on: 1 to 128 of them, each visible ASCII.
     */
    static boolean isValid(final byte[] bytes, final int offset, final int length)
    {
        if (length < 1 || length > HttpExchange.REQUEST_ID_MAX_LENGTH)
        {
            return false;
        }
        for (int i = offset; i < offset + length; i++)
        {
            if (bytes[i] < 0x21 || bytes[i] > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * 64 bits as 11 base64url characters, most significant first (the first carries 4 bits).
     */
    private static void put(final long value, final byte[] into, final int offset)
    {
        for (int i = HALF_LENGTH - 1; i >= 0; i--)
        {
            into[offset + i] = ALPHABET[(int)(value >>> (6 * (HALF_LENGTH - 1 - i))) & 0x3F];
        }
    }
}
