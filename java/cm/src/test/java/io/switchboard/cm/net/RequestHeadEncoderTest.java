package io.switchboard.cm.net;

import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.http.RequestHeadParser;
import io.switchboard.ipc.ring.RingDescriptor;
import io.switchboard.ipc.ring.RingReader;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.http.HeadReader;
import io.switchboard.protocol.http.HttpHeadDescriptor;
import io.switchboard.protocol.http.HttpHeader;
import io.switchboard.protocol.http.RemoteAddress;
import io.switchboard.protocol.http.RequestHead;
import org.junit.jupiter.api.Test;

import io.switchboard.ipc.memory.SharedBuffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The head a worker gets: parsed from raw bytes, encoded into a ring, read back by the worker's decoder.
 */
class RequestHeadEncoderTest
{
    private static final int CAPACITY = 4096;
    private static final String PROXY = "192.0.2.1";

    private final SharedBuffer memory = SharedBuffer.allocateNative((int)RingDescriptor.length(CAPACITY), 128);
    private final RingWriter writer = new RingWriter(memory, 0, CAPACITY);
    private final RingReader reader = new RingReader(memory, 0, CAPACITY);
    private final RequestHeadEncoder encoder = new RequestHeadEncoder();
    private final RequestIds ids = new RequestIds(42);
    private final TrustedProxies trusted = TrustedProxies.parse(List.of("192.0.2.0/28", "2001:db8::/32"));
    private RequestHeadEncoder.Result result;

    @Test
    void shouldCarryTheRemoteAddressAndPort() throws Exception
    {
        final RequestHead head = encode(peer("203.0.113.7", 40000), "GET /x?y=1 HTTP/1.1\r\nHost: a\r\n");
        assertEquals(new RemoteAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, 0, 0xFFFF_CB00_7107L, 40000), head.remote());
        assertEquals("/x?y=1", head.target());

        final RequestHead v6 = encode(peer("2001:db8::5", 443), "GET / HTTP/1.1\r\nHost: a\r\n");
        assertEquals(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::5"), 443), v6.remote().toSocketAddress());
    }

    @Test
    void shouldReplaceForwardingFieldsFromAnUntrustedPeer() throws Exception
    {
        final RequestHead head = encode(peer("203.0.113.7", 1), "GET / HTTP/1.1\r\nHost: a\r\n" +
            "X-Forwarded-For: 10.0.0.1\r\nx-real-ip: 10.0.0.1\r\nFORWARDED: for=10.0.0.1\r\nAccept: */*\r\n" +
            "X-Forwarded-For: 10.0.0.2\r\n");
        assertEquals(List.of("Host: a", "Accept: */*", "X-Forwarded-For: 203.0.113.7", "Forwarded: for=203.0.113.7"),
            withoutRequestId(head));
    }

    @Test
    void shouldAppendToTheForwardingFieldsOfATrustedProxy() throws Exception
    {
        final RequestHead head = encode(peer(PROXY, 1), "GET / HTTP/1.1\r\nHost: a\r\n" +
            "X-Forwarded-For: 10.0.0.1\r\nX-Real-IP: 10.0.0.1\r\nForwarded: for=10.0.0.1;proto=https\r\n" +
            "X-Forwarded-For: 10.0.0.2, 10.0.0.3\r\nAccept: */*\r\n");
        assertEquals(List.of("Host: a", "X-Forwarded-For: 10.0.0.1", "X-Real-IP: 10.0.0.1",
            "Forwarded: for=10.0.0.1;proto=https, for=192.0.2.1", "X-Forwarded-For: 10.0.0.2, 10.0.0.3, 192.0.2.1",
            "Accept: */*"), withoutRequestId(head));
    }

    @Test
    void shouldAppendOnlyToTheFieldATrustedProxySent() throws Exception
    {
        assertEquals(List.of("Host: a", "X-Forwarded-For: 10.0.0.1, 192.0.2.1"), withoutRequestId(
            encode(peer(PROXY, 1), "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.0.0.1\r\n")));
        assertEquals(List.of("Host: a", "Forwarded: for=\"[2001:db8::9]\", for=\"[2001:db8::1]\""), withoutRequestId(
            encode(peer("2001:db8::1", 1), "GET / HTTP/1.1\r\nHost: a\r\nForwarded: for=\"[2001:db8::9]\"\r\n")));
        // a trusted proxy that sent neither: the CM says what it knows, as for anyone
        assertEquals(List.of("Host: a", "X-Forwarded-For: 192.0.2.1", "Forwarded: for=192.0.2.1"), withoutRequestId(
            encode(peer(PROXY, 1), "GET / HTTP/1.1\r\nHost: a\r\n")));
        // an empty field gets the element without a separator
        assertEquals(List.of("Host: a", "X-Forwarded-For: 192.0.2.1"), withoutRequestId(
            encode(peer(PROXY, 1), "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For:\r\n")));
    }

    @Test
    void shouldFindTheClientBehindTrustedProxiesAsNginxRealIpDoes() throws Exception
    {
        // trusted: 192.0.2.0/28, 2001:db8::/32
        assertEquals("203.0.113.7", client(peer("203.0.113.7", 1), "X-Forwarded-For: 10.0.0.1"));
        assertEquals("192.0.2.1", client(peer(PROXY, 1), ""));
        assertEquals("10.0.0.3", client(peer(PROXY, 1), "X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2, 10.0.0.3"));
        assertEquals("10.0.0.2", client(peer(PROXY, 1),
            "X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2 ,, 192.0.2.5\r\nX-Forwarded-For: 2001:db8::7"));
        assertEquals("10.0.0.1", client(peer(PROXY, 1), "X-Forwarded-For: 10.0.0.1, 192.0.2.5"));
        // all trusted: the leftmost
        assertEquals("192.0.2.9", client(peer(PROXY, 1), "X-Forwarded-For: 192.0.2.9, 192.0.2.5"));
        // an element that is not an address: the last trusted one before it
        assertEquals("192.0.2.5", client(peer(PROXY, 1), "X-Forwarded-For: 10.0.0.1, unknown, 192.0.2.5"));
        assertEquals("192.0.2.1", client(peer(PROXY, 1), "X-Forwarded-For: 10.0.0.1:8080"));
        assertEquals("2001:db9:0:0:0:0:0:1", client(peer("2001:db8::1", 1), "X-Forwarded-For: 2001:db9::1"));
    }

    private String client(final ClientAddress peer, final String forwardedFor) throws Exception
    {
        final RequestHead head = encode(peer, "GET / HTTP/1.1\r\nHost: a\r\n" +
            (forwardedFor.isEmpty() ? "" : forwardedFor + "\r\n"));
        assertEquals(0, head.client().port());
        return head.client().toInetAddress().getHostAddress();
    }

    @Test
    void shouldQuoteAnIpv6PeerInForwarded() throws Exception
    {
        assertEquals(List.of("Host: a", "X-Forwarded-For: 2001:db9::1", "Forwarded: for=\"[2001:db9::1]\""),
            withoutRequestId(encode(peer("2001:db9::1", 1), "GET / HTTP/1.1\r\nHost: a\r\n")));
    }

    @Test
    void shouldSendOneRequestIdLast() throws Exception
    {
        final RequestHead kept = encode(peer(PROXY, 1),
            "GET / HTTP/1.1\r\nX-Request-Id: abc\r\nHost: a\r\nX-Request-ID: def\r\n");
        assertEquals(new HttpHeader("X-Request-Id", "abc"), kept.headers().getLast());
        assertEquals(1, kept.headers().stream().filter(h -> h.name().equalsIgnoreCase("x-request-id")).count());

        final RequestHead replaced = encode(peer(PROXY, 1), "GET / HTTP/1.1\r\nX-Request-Id: a b\r\nHost: a\r\n");
        assertTrue(replaced.headers().getLast().value().matches("[A-Za-z0-9_-]{22}"), replaced.headers().toString());
        assertEquals(1, replaced.headers().stream().filter(h -> h.name().equalsIgnoreCase("x-request-id")).count());
    }

    @Test
    void shouldAnswer431WhenTheAddedFieldsMakeTheHeadTooLargeForAFrame() throws Exception
    {
        // a head that fits a frame as sent, by fewer bytes than the CM adds
        final int room = writer.maxPayloadLength();
        final String prefix = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ";
        // fixed part, application, method, target, Host, its value, X-Pad, and the pad's length
        final int fixed = HttpHeadDescriptor.REQUEST_FIXED_LENGTH + 2 + "demo".length() + 2 + 3 + 2 + 1 +
            2 + 4 + 2 + 1 + 2 + 5 + 2;
        final int withoutAdditions = room - fixed - 10;
        final String pad = "p".repeat(withoutAdditions);
        final RequestHeadParser parser = parse(prefix + pad + "\r\n\r\n");
        assertTrue(fixed + withoutAdditions <= room, "the head as sent fits");
        final HttpExchange exchange = exchange(parser);
        assertEquals(RequestHeadEncoder.Result.TOO_LARGE,
            encoder.encode(parser.head(), "demo", exchange, peer("203.0.113.7", 1), writer, memory.byteBuffer(0, (int)memory.capacity())));
        assertEquals(0, reader.read((buffer, offset, length, type, flags) -> { }, 10), "nothing written");

        // the same head with the additions fits when the pad is shorter by what they take
        final int additions = 2 + 15 + 2 + "203.0.113.7".length() + 2 + 9 + 2 + "for=203.0.113.7".length() +
            2 + 12 + 2 + RequestIds.GENERATED_LENGTH;
        final RequestHeadParser fits = parse(prefix + "p".repeat(room - fixed - additions) + "\r\n\r\n");
        assertEquals(RequestHeadEncoder.Result.WRITTEN,
            encoder.encode(fits.head(), "demo", exchange(fits), peer("203.0.113.7", 1), writer, memory.byteBuffer(0, (int)memory.capacity())));
        final RequestHeadParser oneMore = parse(prefix + "p".repeat(room - fixed - additions + 1) + "\r\n\r\n");
        assertEquals(RequestHeadEncoder.Result.TOO_LARGE,
            encoder.encode(oneMore.head(), "demo", exchange(oneMore), peer("203.0.113.7", 1), writer, memory.byteBuffer(0, (int)memory.capacity())));
    }

    @Test
    void shouldAllocateNothingPerRequest()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final RequestHeadParser parser = parse("GET /a HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.0.0.1\r\n" +
            "Forwarded: for=10.0.0.1\r\nX-Request-Id: keep-me\r\nAccept: */*\r\n\r\n");
        final RequestHeadParser noId = parse("GET /a HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.0.0.1, 2001:db8::2," +
            " 192.0.2.3\r\n\r\n");
        final ClientAddress proxy = peer(PROXY, 1);
        final ClientAddress client = peer("2001:db9::1", 1);
        final HttpExchange exchange = new HttpExchange();
        final ByteBuffer segment = memory.byteBuffer(0, (int)memory.capacity());
        // one encoder per parser, as one per workspace: an encoder wraps its parser's array once
        final RequestHeadEncoder other = new RequestHeadEncoder();
        final io.switchboard.ipc.ring.FrameHandler discard = (buffer, offset, length, type, flags) -> { };
        long allocated = 0;
        for (int round = 0; round < 3; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++)
            {
                final RequestHeadParser next = (i & 1) == 0 ? parser : noId;
                exchange.begin(next.head());
                exchange.requestIdLength = ids.assign(next.head(), exchange.requestId);
                ((i & 1) == 0 ? encoder : other).encode(next.head(), "demo", exchange, (i & 2) == 0 ? proxy : client, writer, segment);
                reader.read(discard, 1);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        // the last round, warmed up: well under a byte a request (the measurement itself may allocate a little)
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10,000 requests");
    }

    private ClientAddress peer(final String address, final int port)
    {
        return ClientAddress.of(new InetSocketAddress(InetAddress.ofLiteral(address), port), trusted);
    }

    private RequestHead encode(final ClientAddress client, final String head)
    {
        final RequestHeadParser parser = parse(head + "\r\n");
        result = encoder.encode(parser.head(), "demo", exchange(parser), client, writer, memory.byteBuffer(0, (int)memory.capacity()));
        assertEquals(RequestHeadEncoder.Result.WRITTEN, result);
        final List<RequestHead> read = new ArrayList<>();
        reader.read((buffer, offset, length, type, flags) ->
            read.add(HeadReader.readRequest(buffer.byteBuffer(offset, length))), 1);
        assertEquals(1, read.size());
        return read.getFirst();
    }

    private HttpExchange exchange(final RequestHeadParser parser)
    {
        final HttpExchange exchange = new HttpExchange();
        exchange.begin(parser.head());
        exchange.requestIdLength = ids.assign(parser.head(), exchange.requestId);
        return exchange;
    }

    private static RequestHeadParser parse(final String text)
    {
        final RequestHeadParser parser = new RequestHeadParser(HttpLimits.DEFAULT);
        assertTrue(parser.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))));
        return parser;
    }

    private static List<String> withoutRequestId(final RequestHead head)
    {
        final List<String> fields = new ArrayList<>();
        for (final HttpHeader header : head.headers())
        {
            if (!header.name().equals("X-Request-Id"))
            {
                fields.add(header.name() + ": " + header.value());
            }
        }
        assertEquals("X-Request-Id", head.headers().getLast().name());
        return fields;
    }
}
