package io.switchboard.protocol.http;

/**
 * Encodings of the structured heads a channel carries, little-endian. Strings
 * are a 16-bit length and that many bytes of ISO-8859-1 (the bytes of the HTTP
 * wire, which the CM has already validated).
 * <p>
 * REQUEST_HEAD (CM to worker):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  | Version minor |     Flags     |         Header count          |  0
 *  +---------------+---------------+---------------+---------------+
 *  |          Remote port          |Remote family  |Client family  |  4
 *  +-------------------------------+---------------+---------------+
 *  |        Content length (64 bits; -1: streamed to REQUEST_END)  |  8
 *  +---------------------------------------------------------------+
 *  |                                                               |  16
 *  |       Remote address (128 bits, network byte order; an        |
 *  |       IPv4 address as IPv4-mapped IPv6, ::ffff:a.b.c.d)       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                                                               |  32
 *  |       Client address (128 bits, the same encoding)            |
 *  |                                                               |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  Application | Method | Target | (Name | Value) x count      ...  48
 *  +---------------------------------------------------------------+
 * </pre>
 * The remote address and port are those of the CM's TCP peer: the client, or a proxy in front of it. The client
 * address is the remote address, unless the peer is one of the CM's trusted proxies: then it is the first address
 * from the right of {@code X-Forwarded-For} (the CM's own addition, the peer, excluded) that is not a trusted
 * proxy, the leftmost if all are, or the last trusted one before an element that is not an address (as nginx's
 * realip module, recursive). Each family is {@link #ADDRESS_FAMILY_IPV4}, {@link #ADDRESS_FAMILY_IPV6} or
 * {@link #ADDRESS_FAMILY_NONE} (the CM could not tell; the address, and for the remote the port, are then 0).
 * The CM reads the remote address once per connection, when it adopts it. A change of this layout is a change of
 * the segment's layout version ({@code SegmentHeaderDescriptor.LAYOUT_VERSION}, checked when a worker attaches),
 * so a CM and a worker of different builds never read each other's heads.
 * RESPONSE_HEAD (worker to CM):
 * <pre>
 *  +-------------------------------+-------------------------------+
 *  |            Status             |         Header count          |  0
 *  +-------------------------------+-------------------------------+
 *  |                           Reserved                            |  4
 *  +---------------------------------------------------------------+
 *  |        Content length (64 bits; -1: unknown, the CM chunks)    |  8
 *  +---------------------------------------------------------------+
 *  |  (Name | Value) x count                                      ...  16
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class HttpHeadDescriptor
{
    public static final int VERSION_MINOR_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int REQUEST_HEADER_COUNT_OFFSET = 2;
    public static final int REMOTE_PORT_OFFSET = 4;
    public static final int ADDRESS_FAMILY_OFFSET = 6;
    public static final int CLIENT_FAMILY_OFFSET = 7;
    public static final int STATUS_OFFSET = 0;
    public static final int RESPONSE_HEADER_COUNT_OFFSET = 2;
    public static final int CONTENT_LENGTH_OFFSET = 8;
    public static final int REMOTE_ADDRESS_OFFSET = 16;
    public static final int REMOTE_ADDRESS_LENGTH = 16;
    public static final int CLIENT_ADDRESS_OFFSET = 32;
    /** Where a REQUEST_HEAD's strings start. */
    public static final int REQUEST_FIXED_LENGTH = 48;
    /** Where a RESPONSE_HEAD's strings start. */
    public static final int RESPONSE_FIXED_LENGTH = 16;

    /** The CM could not tell its peer's address (the socket was gone when it asked). */
    public static final int ADDRESS_FAMILY_NONE = 0;
    /** An IPv4 peer; its address is stored IPv4-mapped, in the last four bytes. */
    public static final int ADDRESS_FAMILY_IPV4 = 4;
    public static final int ADDRESS_FAMILY_IPV6 = 6;

    /** The request has a body: REQUEST_BODY frames follow, then REQUEST_END. */
    public static final int FLAG_HAS_BODY = 0x1;
    /** The client sent {@code Expect: 100-continue} (the CM answers it; informative for the application). */
    public static final int FLAG_EXPECT_CONTINUE = 0x2;
    /** The client's connection stays open after this exchange. */
    public static final int FLAG_KEEP_ALIVE = 0x4;

    public static final long UNKNOWN_LENGTH = -1;
    public static final int MAX_STRING_LENGTH = 0xFFFF;
    public static final int MAX_HEADER_COUNT = 0xFFFF;

    private HttpHeadDescriptor()
    {
    }
}
