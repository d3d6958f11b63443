package io.switchboard.protocol.http;

import org.junit.jupiter.api.Test;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadCodecTest
{
    private final HeadWriter writer = new HeadWriter();

    @Test
    void shouldRoundTripARequestHeadThroughADirectBuffer()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(512);
        final ByteBuffer wire = ByteBuffer.wrap("POST /echo?x=1 HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1));
        writer.wrap(buffer, 8)
            .requestFixed(1, HttpHeadDescriptor.FLAG_HAS_BODY | HttpHeadDescriptor.FLAG_KEEP_ALIVE, 2, 5)
            .putString("demo")
            .putBytes(wire, 0, 4)
            .putBytes(wire, 5, 9)
            .putString("Host").putString("localhost")
            .putString("X-\u00e9").putString("caf\u00e9");

        final RequestHead head = HeadReader.readRequest(buffer.slice(8, writer.length()));
        assertEquals(new RequestHead("demo", "POST", "/echo?x=1", 1, 5, 5, RemoteAddress.NONE, RemoteAddress.NONE,
            List.of(new HttpHeader("Host", "localhost"), new HttpHeader("X-\u00e9", "caf\u00e9"))), head);
        assertTrue(head.hasBody());
    }

    @Test
    void shouldCarryTheRemoteAddressOfAnIpv4Peer() throws Exception
    {
        final byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xFF, (byte)0xFF, (byte)192, 0, 2, 7};
        final RemoteAddress remote = roundTripAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, mapped, 65535);
        assertEquals(new RemoteAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, 0, 0xFFFF_C000_0207L, 65535), remote);
        assertEquals(new java.net.InetSocketAddress(java.net.InetAddress.getByName("192.0.2.7"), 65535),
            remote.toSocketAddress());
        assertTrue(remote.toSocketAddress().getAddress() instanceof java.net.Inet4Address);
    }

    @Test
    void shouldCarryTheRemoteAddressOfAnIpv6Peer() throws Exception
    {
        final byte[] address = java.net.InetAddress.getByName("2001:db8::1:2").getAddress();
        final RemoteAddress remote = roundTripAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV6, address, 443);
        assertEquals(new java.net.InetSocketAddress(java.net.InetAddress.getByName("2001:db8::1:2"), 443),
            remote.toSocketAddress());
        assertEquals(List.of(address.length, 16), List.of(remote.bytes().length, 16));
    }

    @Test
    void shouldRefuseAnImpossibleRemoteAddress()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0).requestFixed(1, 0, 0, 0).putString("a").putString("GET").putString("/");
        final int length = writer.length();

        buffer.put(HttpHeadDescriptor.ADDRESS_FAMILY_OFFSET, (byte)5);
        assertThrows(HeadFormatException.class, () -> HeadReader.readRequest(buffer.slice(0, length)));
        buffer.put(HttpHeadDescriptor.ADDRESS_FAMILY_OFFSET, (byte)HttpHeadDescriptor.ADDRESS_FAMILY_IPV4);
        // an IPv4 peer's address must be IPv4-mapped
        assertThrows(HeadFormatException.class, () -> HeadReader.readRequest(buffer.slice(0, length)));
        buffer.put(HttpHeadDescriptor.ADDRESS_FAMILY_OFFSET, (byte)HttpHeadDescriptor.ADDRESS_FAMILY_NONE);
        buffer.put(HttpHeadDescriptor.CLIENT_FAMILY_OFFSET, (byte)9);
        assertThrows(HeadFormatException.class, () -> HeadReader.readRequest(buffer.slice(0, length)));
        buffer.put(HttpHeadDescriptor.CLIENT_FAMILY_OFFSET, (byte)HttpHeadDescriptor.ADDRESS_FAMILY_IPV6);
        assertEquals(new RemoteAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV6, 0, 0, 0),
            HeadReader.readRequest(buffer.slice(0, length)).client());
        buffer.put(HttpHeadDescriptor.CLIENT_FAMILY_OFFSET, (byte)0);
        assertEquals(RemoteAddress.NONE, HeadReader.readRequest(buffer.slice(0, length)).remote());
        assertThrows(IllegalArgumentException.class,
            () -> writer.remoteAddress(HttpHeadDescriptor.ADDRESS_FAMILY_NONE, new byte[16], 1));
        assertThrows(IllegalArgumentException.class,
            () -> writer.remoteAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, new byte[4], 1));
    }

    private RemoteAddress roundTripAddress(final int family, final byte[] address, final int port)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0).requestFixed(1, 0, 1, 0).remoteAddress(family, address, port).clientAddress(family, address)
            .putString("demo").putString("GET").putString("/")
            .putString("X-Forwarded-For").putJoined(ByteBuffer.wrap(new byte[] {'a', 'b'}), 0, 2,
                new byte[] {',', ' '}, new byte[] {'c'});
        final RequestHead head = HeadReader.readRequest(buffer.slice(0, writer.length()));
        assertEquals(List.of(new HttpHeader("X-Forwarded-For", "ab, c")), head.headers());
        assertEquals(new RemoteAddress(head.remote().family(), head.remote().high(), head.remote().low(), 0), head.client());
        return head.remote();
    }

    @Test
    void shouldRoundTripAResponseHead()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0).responseFixed(404, 1, HttpHeadDescriptor.UNKNOWN_LENGTH)
            .putString("Content-Type").putString("text/plain");
        assertEquals("404 -1 [Content-Type: text/plain]", describe(buffer.slice(0, writer.length())));
    }

    @Test
    void shouldWriteAResponseHeadInPlaceAsTheOneDecoderReadsIt()
    {
        // in the middle of a buffer, over bytes left from an earlier frame, as in a ring
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        for (int i = 0; i < buffer.capacity(); i++)
        {
            buffer.put(i, (byte)0x5A);
        }
        final ResponseHeadWriter inPlace = new ResponseHeadWriter();
        final long end = inPlace.wrap(SharedBuffer.wrap(buffer), 8, 201, 2, 13)
            .putString("Content-Type").putString("text/plain").putString("X-A").putString("").position();
        assertEquals("201 13 [Content-Type: text/plain, X-A: ]", describe(buffer.slice(8, (int)end - 8)));
        assertThrows(IllegalArgumentException.class, () -> inPlace.putString("\u2603"));
        assertThrows(IllegalArgumentException.class, () -> inPlace.wrap(SharedBuffer.wrap(buffer), 0, 42, 0, 0));
    }

    @Test
    void shouldRefuseWhatCannotBeEncoded()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0);
        assertThrows(IllegalArgumentException.class, () -> writer.putString("\u2603"));
        assertThrows(IllegalArgumentException.class, () -> writer.responseFixed(42, 0, 0));
    }

    @Test
    void shouldRefuseHeadsThatLie()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0).responseFixed(200, 1, 0).putString("A").putString("b");
        final int length = writer.length();

        final HeadFormatException truncated = assertThrows(
            HeadFormatException.class, () -> describe(buffer.slice(0, length - 1)));
        assertTrue(truncated.getMessage().contains("runs past the frame"), truncated.getMessage());
        assertThrows(HeadFormatException.class, () -> describe(buffer.slice(0, length + 1)));

        buffer.putShort(HttpHeadDescriptor.RESPONSE_HEADER_COUNT_OFFSET, (short)0xFFFF);
        assertThrows(HeadFormatException.class, () -> describe(buffer.slice(0, length)));
        assertThrows(HeadFormatException.class, () -> describe(buffer.slice(0, 10)));
    }

    @Test
    void shouldAcceptOnlyFinalStatusesInAResponseHead()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64);
        for (final int status : new int[] {100, 101, 199, 600, 999, 0xFFFF})
        {
            writer.wrap(buffer, 0).responseFixed(200, 0, 0);
            buffer.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(HttpHeadDescriptor.STATUS_OFFSET, (short)status);
            final int length = writer.length();
            assertThrows(HeadFormatException.class, () -> describe(buffer.slice(0, length)), "status " + status);
        }
        for (final int status : new int[] {200, 204, 404, 599})
        {
            writer.wrap(buffer, 0).responseFixed(status, 0, 0);
            assertEquals(status + " 0 []", describe(buffer.slice(0, writer.length())));
        }
    }

    @Test
    void shouldOnlyEverThrowHeadFormatExceptionOnGarbage()
    {
        final Random random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] garbage = new byte[random.nextInt(120)];
            random.nextBytes(garbage);
            try
            {
                if (random.nextBoolean())
                {
                    HeadReader.readRequest(ByteBuffer.wrap(garbage));
                }
                else
                {
                    describe(ByteBuffer.wrap(garbage));
                }
            }
            catch (final HeadFormatException expected)
            {
                // the only acceptable failure
            }
        }
    }

    /** status, content length and headers, as the one decoder of response heads reads them. */
    private static String describe(final ByteBuffer frame)
    {
        final SharedBuffer memory = SharedBuffer.wrap(frame);
        final ResponseHeadDecoder decoder = new ResponseHeadDecoder().wrap(memory, 0, (int)memory.capacity());
        final List<String> headers = new ArrayList<>();
        decoder.forEachHeader((segment, nameOffset, nameLength, valueOffset, valueLength) -> headers.add(
            string(segment, nameOffset, nameLength) + ": " + string(segment, valueOffset, valueLength)));
        return decoder.status() + " " + decoder.contentLength() + " " + headers;
    }

    private static String string(final SharedBuffer memory, final long offset, final int length)
    {
        return new String(memory.toByteArray(offset, length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldReadRepeatedValuesAsTheSameObjectsAndEveryValueAsSent()
    {
        final HeadReader reader = new HeadReader();
        final RequestHead first = read(reader, head("/a?x=1", "host-1", "id-1", "X-Custom", "v"));
        final RequestHead second = read(reader, head("/a?x=1", "host-1", "id-2", "X-Custom", "v"));
        assertEquals(List.of(new HttpHeader("Host", "host-1"), new HttpHeader("X-Request-Id", "id-2"),
            new HttpHeader("X-Custom", "v")), second.headers());
        assertSame(first.target(), second.target());
        assertSame(first.application(), second.application());
        assertSame(first.headers().get(0), second.headers().get(0));
        assertSame(first.headers().get(2), second.headers().get(2));
        assertEquals(4242, second.remote().port());
        assertSame(first.remote(), second.remote());
        // the CM's request id is never the same twice: not kept
        assertNotSame(first.headers().get(1), second.headers().get(1));

        // different bytes, whatever slot they land in, are read as sent
        final Random random = new Random(7);
        for (int i = 0; i < 2_000; i++)
        {
            final String target = "/t" + random.nextInt(3_000);
            final String host = "h" + random.nextInt(3_000);
            final String value = "\u00e9" + random.nextInt(3_000);
            final RequestHead head = read(reader, head(target, host, "id", "X-" + random.nextInt(50), value));
            assertEquals(target, head.target());
            assertEquals(host, head.headers().get(0).value());
            assertEquals(value, head.headers().get(2).value());
        }
    }

    /** As the poller reads: in place, at an offset in a larger buffer. */
    private static RequestHead read(final HeadReader reader, final ByteBuffer frame)
    {
        final SharedBuffer memory = SharedBuffer.allocateNative(frame.remaining() + 64, 8);
        memory.putBytes(40, frame, frame.position(), frame.remaining());
        return reader.read(memory, 40, frame.remaining());
    }

    private ByteBuffer head(final String target, final String host, final String id, final String name, final String value)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(512);
        final byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xFF, (byte)0xFF, 127, 0, 0, 1};
        writer.wrap(buffer, 0).requestFixed(1, 0, 3, 0).remoteAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, mapped, 4242)
            .putString("app").putString("GET").putString(target)
            .putString("Host").putString(host).putString("X-Request-Id").putString(id).putString(name).putString(value);
        return buffer.slice(0, writer.length());
    }
}
