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
 *  +---------------+---------------+-------------------------------+
 *  |                           Reserved                            |  4
 *  +---------------------------------------------------------------+
 *  |        Content length (64 bits; -1: streamed to REQUEST_END)  |  8
 *  +---------------------------------------------------------------+
 *  |  Application | Method | Target | (Name | Value) x count      ...  16
 *  +---------------------------------------------------------------+
 * </pre>
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
    public static final int STATUS_OFFSET = 0;
    public static final int RESPONSE_HEADER_COUNT_OFFSET = 2;
    public static final int CONTENT_LENGTH_OFFSET = 8;
    public static final int FIXED_LENGTH = 16;

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
