package io.switchboard.protocol.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes request heads (layout in {@link HttpHeadDescriptor}) on the worker, checking every length
 * against the frame: the writer is another process and is not trusted. Response heads have one decoder,
 * {@link ResponseHeadDecoder}, the CM's.
 */
public final class HeadReader
{
    /**
     * Header names most requests carry, spelled as the CM and the common clients send them: read as these
     * constants, not as new Strings. Matched exactly (a name in another case is read as sent).
     */
    private static final String[] COMMON_NAMES = {
        "Host", "X-Request-Id", "X-Forwarded-For", "Forwarded", "User-Agent", "Accept", "Accept-Encoding",
        "Accept-Language", "Cookie", "Content-Type", "Content-Length", "Connection", "Referer", "Origin",
        "Cache-Control", "Authorization", "If-None-Match", "If-Modified-Since", "Pragma", "Upgrade-Insecure-Requests",
        "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "X-Forwarded-Proto", "X-Forwarded-Host", "Range",
        "host", "user-agent", "accept", "accept-encoding", "accept-language", "cookie", "content-type",
        "content-length", "x-request-id", "x-forwarded-for", "authorization", "origin", "referer"};
    /** {@link #COMMON_NAMES} by length, so that a name is compared with the few of its length. */
    private static final String[][] COMMON_BY_LENGTH;

    static
    {
        int longest = 0;
        for (final String name : COMMON_NAMES)
        {
            longest = Math.max(longest, name.length());
        }
        final List<List<String>> byLength = new ArrayList<>();
        for (int length = 0; length <= longest; length++)
        {
            byLength.add(new ArrayList<>());
        }
        for (final String name : COMMON_NAMES)
        {
            byLength.get(name.length()).add(name);
        }
        COMMON_BY_LENGTH = new String[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            COMMON_BY_LENGTH[length] = byLength.get(length).toArray(new String[0]);
        }
    }

    private HeadReader()
    {
    }

    public static RequestHead readRequest(final ByteBuffer frame)
    {
        final ByteBuffer buffer = frame.slice().order(ByteOrder.LITTLE_ENDIAN);
        checkFixed(buffer);
        final int versionMinor = buffer.get(HttpHeadDescriptor.VERSION_MINOR_OFFSET) & 0xFF;
        final int flags = buffer.get(HttpHeadDescriptor.FLAGS_OFFSET) & 0xFF;
        final int count = buffer.getShort(HttpHeadDescriptor.REQUEST_HEADER_COUNT_OFFSET) & 0xFFFF;
        final long contentLength = buffer.getLong(HttpHeadDescriptor.CONTENT_LENGTH_OFFSET);
        final RemoteAddress remote = readAddress(buffer, "remote", HttpHeadDescriptor.ADDRESS_FAMILY_OFFSET,
            HttpHeadDescriptor.REMOTE_ADDRESS_OFFSET, buffer.getShort(HttpHeadDescriptor.REMOTE_PORT_OFFSET) & 0xFFFF);
        final RemoteAddress client = readAddress(buffer, "client", HttpHeadDescriptor.CLIENT_FAMILY_OFFSET,
            HttpHeadDescriptor.CLIENT_ADDRESS_OFFSET, 0);
        buffer.position(HttpHeadDescriptor.REQUEST_FIXED_LENGTH);
        final String application = readString(buffer, "application", -1);
        final String method = readString(buffer, "method", -1);
        final String target = readString(buffer, "target", -1);
        return new RequestHead(
            application, method, target, versionMinor, flags, contentLength, remote, client, readHeaders(buffer, count));
    }

    private static RemoteAddress readAddress(
        final ByteBuffer buffer, final String what, final int familyOffset, final int addressOffset, final int port)
    {
        final int family = buffer.get(familyOffset) & 0xFF;
        final ByteBuffer bigEndian = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        final long high = bigEndian.getLong(addressOffset);
        final long low = bigEndian.getLong(addressOffset + Long.BYTES);
        final boolean known = family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4 || family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV6;
        if ((!known && (family != HttpHeadDescriptor.ADDRESS_FAMILY_NONE || high != 0 || low != 0 || port != 0)) ||
            (family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4 && (high != 0 || (low >>> 32) != 0xFFFF)))
        {
            throw new HeadFormatException(what + " address: family=" + family + " port=" + port +
                " address=" + Long.toHexString(high) + ":" + Long.toHexString(low));
        }
        return known ? new RemoteAddress(family, high, low, port) : RemoteAddress.NONE;
    }

    private static List<HttpHeader> readHeaders(final ByteBuffer buffer, final int count)
    {
        // each header takes at least four bytes: a count larger than the frame allows is a lie
        if (count > buffer.remaining() / 4)
        {
            throw new HeadFormatException("header count " + count + " exceeds what " + buffer.remaining() + " bytes hold");
        }

        final List<HttpHeader> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            headers.add(new HttpHeader(readName(buffer, i), readString(buffer, "header value", i)));
        }

        if (buffer.hasRemaining())
        {
            throw new HeadFormatException(buffer.remaining() + " bytes after the last header");
        }
        return headers;
    }

    private static void checkFixed(final ByteBuffer buffer)
    {
        if (buffer.remaining() < HttpHeadDescriptor.REQUEST_FIXED_LENGTH)
        {
            throw new HeadFormatException("head of " + buffer.remaining() + " bytes, shorter than its fixed part");
        }
    }

    /**
     * A header name: one of {@link #COMMON_NAMES} when the bytes spell it exactly (the same String for every
     * request, nothing allocated), else a new String.
     */
    private static String readName(final ByteBuffer buffer, final int index)
    {
        final int length = readLength(buffer, "header name", index);
        final int at = buffer.position();
        if (length < COMMON_BY_LENGTH.length)
        {
            for (final String name : COMMON_BY_LENGTH[length])
            {
                if (spells(buffer, at, name))
                {
                    buffer.position(at + length);
                    return name;
                }
            }
        }
        return readBytes(buffer, length);
    }

    private static boolean spells(final ByteBuffer buffer, final int at, final String name)
    {
        for (int i = 0; i < name.length(); i++)
        {
            if (buffer.get(at + i) != name.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param index the header's index for the error message, or -1; the message is made only on an error (this runs
     *              for every field of every request).
     */
    private static String readString(final ByteBuffer buffer, final String what, final int index)
    {
        return readBytes(buffer, readLength(buffer, what, index));
    }

    private static int readLength(final ByteBuffer buffer, final String what, final int index)
    {
        if (buffer.remaining() < Short.BYTES)
        {
            throw new HeadFormatException(describe(what, index) + ": no length at offset " + buffer.position());
        }

        final int length = buffer.getShort() & 0xFFFF;
        if (length > buffer.remaining())
        {
            throw new HeadFormatException(describe(what, index) + ": length " + length + " at offset " +
                (buffer.position() - 2) + " runs past the frame");
        }
        return length;
    }

    private static String describe(final String what, final int index)
    {
        return index < 0 ? what : what + " " + index;
    }

    private static String readBytes(final ByteBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
