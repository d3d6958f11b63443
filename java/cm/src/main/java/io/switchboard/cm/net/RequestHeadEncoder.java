package io.switchboard.cm.net;

import io.switchboard.cm.http.BodyFraming;
import io.switchboard.cm.http.HttpVersion;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.cm.http.TargetForm;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.protocol.http.HeadWriter;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HttpHeadDescriptor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a parsed request head into a channel's inbound ring as one REQUEST_HEAD frame (layout in
 * {@link HttpHeadDescriptor}), straight from the parser's buffer into claimed ring space: the application,
 * the method, the target in origin form, the connection's remote address and port, and the headers as the
 * client sent them, but for the fields that say who the client is and which request this is:
 * <ul>
 *     <li>From a peer that is not one of {@code --trusted-proxies}, every {@code X-Forwarded-For},
 *     {@code Forwarded} and {@code X-Real-IP} is dropped, and {@code X-Forwarded-For: <peer>} and
 *     {@code Forwarded: for=<peer>} are added: what an application reads there is the CM's word, never the
 *     client's.</li>
 *     <li>From a trusted proxy they are kept, and the peer's address is appended to the last
 *     {@code X-Forwarded-For} line ({@code , <peer>}) and to the last {@code Forwarded} line
 *     ({@code , for=<peer>}). If the proxy sent neither, both are added as above; if it sent only one, only that
 *     one is appended to (the other, added, would name the proxy as the client).</li>
 *     <li>Every {@code X-Request-Id} is dropped and one is added last, with the exchange's id (the client's if it
 *     was valid, see {@link RequestIds}).</li>
 * </ul>
 * IPv6 peers appear as {@code 2001:db8::1} in X-Forwarded-For and {@code for="[2001:db8::1]"} in Forwarded
 * (RFC 7239); no port is added. The rewritten head must fit one frame like any other: if the added bytes make
 * it too large, the client gets 431, as for a head too large as sent.
 * <p>
 * Allocates nothing: field names are compared in place, the added values were made when the connection was
 * adopted ({@link ClientAddress}), and a value and its appended element are written as one string.
 * Not thread-safe: one per {@link HttpWorkspace}.
 */
final class RequestHeadEncoder
{
    enum Result
    {
        /** The frame is in the ring, committed. */
        WRITTEN,
        /** The head (as rewritten) is larger than a frame of this ring can be: 431. */
        TOO_LARGE,
        /** A fresh channel's ring has no room for it: cannot happen unless the worker misbehaves; 503. */
        NO_ROOM
    }

    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED = "Forwarded";
    static final String X_REQUEST_ID = "X-Request-Id";

    private static final int OTHER = 0;
    private static final int KIND_X_FORWARDED_FOR = 1;
    private static final int KIND_FORWARDED = 2;
    private static final int KIND_X_REAL_IP = 3;
    private static final int KIND_X_REQUEST_ID = 4;
    private static final byte[] X_FORWARDED_FOR_LOWER = lower(X_FORWARDED_FOR);
    private static final byte[] FORWARDED_LOWER = lower(FORWARDED);
    private static final byte[] X_REAL_IP_LOWER = lower("X-Real-IP");
    private static final byte[] X_REQUEST_ID_LOWER = lower(X_REQUEST_ID);
    private static final byte[] LIST_SEPARATOR = {',', ' '};
    private static final byte[] NO_SEPARATOR = {};

    private final HeadWriter headWriter = new HeadWriter();
    /** The client address found behind a trusted proxy, and an element being read: scratch, reused. */
    private final byte[] resolved = new byte[ClientAddress.ADDRESS_LENGTH];
    private final byte[] candidate = new byte[ClientAddress.ADDRESS_LENGTH];
    private ByteBuffer headBytes;

    /**
     * @param exchange      the request's exchange: body, keep-alive and its request id.
     * @param client        the connection's peer.
     * @param segmentBuffer the whole segment, which the ring's claimed offsets index.
     */
    Result encode(
        final RequestHead head,
        final String application,
        final HttpExchange exchange,
        final ClientAddress client,
        final RingWriter writer,
        final ByteBuffer segmentBuffer)
    {
        final byte[] bytes = head.buffer();
        if (headBytes == null || headBytes.array() != bytes)
        {
            // the parser grows its buffer for a large head: wrap again only then
            headBytes = ByteBuffer.wrap(bytes);
        }

        // the worker gets the origin form: an absolute-form target (a proxy's form) is cut to path and query
        final boolean absolute = head.targetForm() == TargetForm.ABSOLUTE;
        final int targetOffset = absolute ? head.pathOffset() : head.targetOffset();
        final int targetLength = !absolute ? head.targetLength() :
            (head.queryOffset() >= 0 ? head.queryOffset() + head.queryLength() : head.pathOffset() + head.pathLength()) -
            head.pathOffset();
        long length = HttpHeadDescriptor.REQUEST_FIXED_LENGTH + HeadWriter.encodedLength(application.length()) +
            HeadWriter.encodedLength(head.methodLength()) + HeadWriter.encodedLength(Math.max(targetLength, 1));

        // first pass: what is kept, where the hops are appended, how long it all is
        final boolean trusted = client.trustedProxy();
        final int count = head.headerCount();
        int kept = 0;
        int lastForwardedFor = -1;
        int lastForwarded = -1;
        for (int i = 0; i < count; i++)
        {
            final int kind = kind(bytes, head.headerNameOffset(i), head.headerNameLength(i));
            if (!keeps(kind, trusted))
            {
                continue;
            }
            if (head.headerValueLength(i) > HttpHeadDescriptor.MAX_STRING_LENGTH)
            {
                // possible only with --max-head above 64 KiB and rings large enough for such a frame
                return Result.TOO_LARGE;
            }
            kept++;
            length += HeadWriter.encodedLength(head.headerNameLength(i)) + HeadWriter.encodedLength(head.headerValueLength(i));
            if (kind == KIND_X_FORWARDED_FOR)
            {
                lastForwardedFor = i;
            }
            else if (kind == KIND_FORWARDED)
            {
                lastForwarded = i;
            }
        }
        final boolean addBoth = lastForwardedFor < 0 && lastForwarded < 0;
        if (addBoth)
        {
            kept += 2;
            length += HeadWriter.encodedLength(X_FORWARDED_FOR.length()) + HeadWriter.encodedLength(client.forwardedFor().length) +
                HeadWriter.encodedLength(FORWARDED.length()) + HeadWriter.encodedLength(client.forwardedElement().length);
        }
        else if (!fitsAppended(head, lastForwardedFor, client.forwardedFor()) ||
            !fitsAppended(head, lastForwarded, client.forwardedElement()))
        {
            return Result.TOO_LARGE;
        }
        else
        {
            length += appendedLength(head, lastForwardedFor, client.forwardedFor()) +
                appendedLength(head, lastForwarded, client.forwardedElement());
        }
        kept++;
        length += HeadWriter.encodedLength(X_REQUEST_ID.length()) + HeadWriter.encodedLength(exchange.requestIdLength);
        if (length > writer.maxPayloadLength() || kept > HttpHeadDescriptor.MAX_HEADER_COUNT)
        {
            return Result.TOO_LARGE;
        }

        final long at = writer.tryClaim(HttpFrameType.REQUEST_HEAD, FrameDescriptor.UNFRAGMENTED, (int)length);
        if (at == RingWriter.INSUFFICIENT_CAPACITY)
        {
            return Result.NO_ROOM;
        }

        final int flags = (exchange.hasBody() ? HttpHeadDescriptor.FLAG_HAS_BODY : 0) |
            (head.expectContinue() ? HttpHeadDescriptor.FLAG_EXPECT_CONTINUE : 0) |
            (exchange.keepAlive ? HttpHeadDescriptor.FLAG_KEEP_ALIVE : 0);
        headWriter.wrap(segmentBuffer, Math.toIntExact(at))
            .requestFixed(head.version() == HttpVersion.HTTP_1_0 ? 0 : 1, flags, kept,
                head.bodyFraming() == BodyFraming.CHUNKED ? HttpHeadDescriptor.UNKNOWN_LENGTH : head.contentLength());
        if (client.known())
        {
            headWriter.remoteAddress(client.family(), client.address(), client.port());
            final int clientFamily = trusted ? resolveClient(head, client) : client.family();
            headWriter.clientAddress(clientFamily, trusted ? resolved : client.address());
        }
        headWriter.putString(application).putBytes(headBytes, 0, head.methodLength());
        if (targetLength > 0)
        {
            headWriter.putBytes(headBytes, targetOffset, targetLength);
        }
        else
        {
            headWriter.putString("/");
        }

        // second pass: the same decisions, written
        for (int i = 0; i < count; i++)
        {
            final int nameOffset = head.headerNameOffset(i);
            final int nameLength = head.headerNameLength(i);
            if (!keeps(kind(bytes, nameOffset, nameLength), trusted))
            {
                continue;
            }
            headWriter.putBytes(headBytes, nameOffset, nameLength);
            if (i == lastForwardedFor || i == lastForwarded)
            {
                final int valueLength = head.headerValueLength(i);
                headWriter.putJoined(headBytes, head.headerValueOffset(i), valueLength,
                    valueLength == 0 ? NO_SEPARATOR : LIST_SEPARATOR,
                    i == lastForwardedFor ? client.forwardedFor() : client.forwardedElement());
            }
            else
            {
                headWriter.putBytes(headBytes, head.headerValueOffset(i), head.headerValueLength(i));
            }
        }
        if (addBoth)
        {
            headWriter.putString(X_FORWARDED_FOR).putBytes(client.forwardedFor(), 0, client.forwardedFor().length)
                .putString(FORWARDED).putBytes(client.forwardedElement(), 0, client.forwardedElement().length);
        }
        headWriter.putString(X_REQUEST_ID).putBytes(exchange.requestId, 0, exchange.requestIdLength);
        writer.commit();
        return Result.WRITTEN;
    }

    /**
     * Finds the client behind a trusted proxy, into {@link #resolved}: walking X-Forwarded-For from the right, the
     * first address that is not a trusted proxy; the leftmost if all are; the last trusted one if an element
     * before it is not an address (it cannot be checked, so nothing left of it is believed).
     *
     * @return the family of {@link #resolved}.
     */
    private int resolveClient(final RequestHead head, final ClientAddress peer)
    {
        final TrustedProxies trusted = peer.trustedProxies();
        final byte[] bytes = head.buffer();
        System.arraycopy(peer.address(), 0, resolved, 0, ClientAddress.ADDRESS_LENGTH);
        int family = peer.family();
        for (int i = head.headerCount() - 1; i >= 0; i--)
        {
            if (kind(bytes, head.headerNameOffset(i), head.headerNameLength(i)) != KIND_X_FORWARDED_FOR)
            {
                continue;
            }
            final int valueStart = head.headerValueOffset(i);
            int end = valueStart + head.headerValueLength(i);
            while (end > valueStart)
            {
                int comma = end - 1;
                while (comma >= valueStart && bytes[comma] != ',')
                {
                    comma--;
                }
                int from = comma + 1;
                int to = end;
                while (from < to && (bytes[from] == ' ' || bytes[from] == '\t'))
                {
                    from++;
                }
                while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t'))
                {
                    to--;
                }
                end = comma;
                if (from == to)
                {
                    // an empty list element (RFC 9110 section 5.6.1 allows them): nothing to read
                    continue;
                }
                final int elementFamily = IpLiteral.parse(bytes, from, to, candidate);
                if (elementFamily == HttpHeadDescriptor.ADDRESS_FAMILY_NONE)
                {
                    return family;
                }
                System.arraycopy(candidate, 0, resolved, 0, ClientAddress.ADDRESS_LENGTH);
                family = elementFamily;
                if (!trusted.contains(candidate))
                {
                    return family;
                }
            }
        }
        return family;
    }

    /**
     * @return whether a field of this kind goes to the worker as the client sent it (or appended to).
     */
    private static boolean keeps(final int kind, final boolean trustedPeer)
    {
        return switch (kind)
        {
            case OTHER -> true;
            case KIND_X_REQUEST_ID -> false;
            default -> trustedPeer;
        };
    }

    private static int appendedLength(final RequestHead head, final int index, final byte[] element)
    {
        if (index < 0)
        {
            return 0;
        }
        return (head.headerValueLength(index) == 0 ? 0 : LIST_SEPARATOR.length) + element.length;
    }

    private static boolean fitsAppended(final RequestHead head, final int index, final byte[] element)
    {
        return index < 0 ||
            head.headerValueLength(index) + appendedLength(head, index, element) <= HttpHeadDescriptor.MAX_STRING_LENGTH;
    }

    /**
     * @return which of the fields this encoder rewrites the name is, ASCII case-insensitively; {@link #OTHER} if none.
     */
    static int kind(final byte[] bytes, final int offset, final int length)
    {
        return switch (length)
        {
            case 9 -> equalsLower(bytes, offset, FORWARDED_LOWER) ? KIND_FORWARDED :
                equalsLower(bytes, offset, X_REAL_IP_LOWER) ? KIND_X_REAL_IP : OTHER;
            case 12 -> equalsLower(bytes, offset, X_REQUEST_ID_LOWER) ? KIND_X_REQUEST_ID : OTHER;
            case 15 -> equalsLower(bytes, offset, X_FORWARDED_FOR_LOWER) ? KIND_X_FORWARDED_FOR : OTHER;
            default -> OTHER;
        };
    }

    private static boolean equalsLower(final byte[] bytes, final int offset, final byte[] lower)
    {
        for (int i = 0; i < lower.length; i++)
        {
            final int b = bytes[offset + i];
            if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lower[i])
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] lower(final String name)
    {
        return name.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }
}
