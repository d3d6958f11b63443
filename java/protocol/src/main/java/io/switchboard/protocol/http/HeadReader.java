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
        final String application = readString(buffer, "application");
        final String method = readString(buffer, "method");
        final String target = readString(buffer, "target");
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
            headers.add(new HttpHeader(readString(buffer, "header name " + i), readString(buffer, "header value " + i)));
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

    private static String readString(final ByteBuffer buffer, final String what)
    {
        if (buffer.remaining() < Short.BYTES)
        {
            throw new HeadFormatException(what + ": no length at offset " + buffer.position());
        }

        final int length = buffer.getShort() & 0xFFFF;
        if (length > buffer.remaining())
        {
            throw new HeadFormatException(
                what + ": length " + length + " at offset " + (buffer.position() - 2) + " runs past the frame");
        }

        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
