package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes request heads (layout in {@link HttpHeadDescriptor}) on the worker, checking every length
 * against the frame: the writer is another process and is not trusted. Response heads have one decoder,
 * {@link ResponseHeadDecoder}, the CM's.
 * <p>
 * An instance ({@link #HeadReader()}) keeps the Strings, header fields and addresses it read
 * ({@link FrameStringCache}, {@link FrameHeaderCache}, {@link RemoteAddressCache}): a worker's requests repeat them, and reading them again as new objects was most of
 * what a head cost the worker in allocation. It reads the frame where it lies ({@link #read(SharedBuffer, long, int)},
 * the ring's memory): no buffer view is made for it. Such an instance belongs to one thread (the worker's poller).
 * The static {@link #readRequest} keeps nothing and may be called from any thread.
 */
public final class HeadReader
{
    /** Slots of each cache: enough for the distinct values of a worker's usual traffic, a few KiB of references. */
    private static final int CACHE_SLOTS = 512;
    /** Longer values (a big cookie, a long query) are read anew each time: the caches stay small. */
    private static final int CACHE_MAX_LENGTH = 256;
    /** The CM's unique id for each request: never the same twice, so never kept (it would only evict). */
    private static final String REQUEST_ID = "X-Request-Id";

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

    private final FrameStringCache strings;
    private final FrameHeaderCache headers;
    private final RemoteAddressCache addresses;
    /**
     * Each string's bytes, copied out of the frame once to be hashed, compared and made a String from (grows to the
     * longest string read).
     */
    private byte[] scratch = new byte[128];
    /** The frame being read: where it starts and ends in {@link #buffer}, and the next byte to read. */
    private SharedBuffer buffer;
    private long start;
    private long position;
    private long limit;

    /**
     * A reader that keeps what it reads, for one thread.
     */
    public HeadReader()
    {
        this(CACHE_SLOTS);
    }

    private HeadReader(final int cacheSlots)
    {
        this.strings = new FrameStringCache(cacheSlots, CACHE_MAX_LENGTH);
        this.headers = new FrameHeaderCache(cacheSlots, CACHE_MAX_LENGTH);
        this.addresses = new RemoteAddressCache(cacheSlots);
    }

    /**
     * Decodes a head into new objects; safe from any thread.
     *
     * @param frame the REQUEST_HEAD frame's payload, from its position to its limit.
     */
    public static RequestHead readRequest(final ByteBuffer frame)
    {
        return new HeadReader(0).read(SharedBuffer.wrap(frame), 0, frame.remaining());
    }

    /**
     * Decodes a head in place into a new record, its Strings and fields the ones this reader kept.
     *
     * @see #read(SharedBuffer, long, int, ReusableRequestHead)
     */
    public RequestHead read(final SharedBuffer buffer, final long offset, final int length)
    {
        final ReusableRequestHead head = new ReusableRequestHead();
        read(buffer, offset, length, head);
        return head.toRecord();
    }

    /**
     * Decodes a head in place, its Strings and fields the ones this reader kept where the bytes spell them.
     *
     * @param buffer the memory the frame is in (a ring's).
     * @param offset where the REQUEST_HEAD frame's payload starts in {@code buffer}.
     * @param length the payload's length.
     * @param into   filled with the head (its earlier content replaced); on an exception, left in no useful state.
     * @throws HeadFormatException when a length or a count does not fit the frame.
     */
    public void read(final SharedBuffer buffer, final long offset, final int length, final ReusableRequestHead into)
    {
        this.buffer = buffer;
        this.start = offset;
        this.limit = offset + length;
        try
        {
            read(into);
        }
        finally
        {
            this.buffer = null;
        }
    }

    private void read(final ReusableRequestHead into)
    {
        if (limit - start < HttpHeadDescriptor.REQUEST_FIXED_LENGTH)
        {
            throw new HeadFormatException("head of " + (limit - start) + " bytes, shorter than its fixed part");
        }
        final int versionMinor = buffer.getByte(start + HttpHeadDescriptor.VERSION_MINOR_OFFSET) & 0xFF;
        final int flags = buffer.getByte(start + HttpHeadDescriptor.FLAGS_OFFSET) & 0xFF;
        final int count = buffer.getShort(start + HttpHeadDescriptor.REQUEST_HEADER_COUNT_OFFSET) & 0xFFFF;
        final long contentLength = buffer.getLong(start + HttpHeadDescriptor.CONTENT_LENGTH_OFFSET);
        final RemoteAddress remote = readAddress("remote", HttpHeadDescriptor.ADDRESS_FAMILY_OFFSET,
            HttpHeadDescriptor.REMOTE_ADDRESS_OFFSET,
            buffer.getShort(start + HttpHeadDescriptor.REMOTE_PORT_OFFSET) & 0xFFFF);
        final RemoteAddress client = readAddress("client", HttpHeadDescriptor.CLIENT_FAMILY_OFFSET,
            HttpHeadDescriptor.CLIENT_ADDRESS_OFFSET, 0);
        position = start + HttpHeadDescriptor.REQUEST_FIXED_LENGTH;
        final String application = readString("application", -1);
        final String method = readString("method", -1);
        final String target = readString("target", -1);
        into.fixed(versionMinor, flags, contentLength, remote, client);
        into.line(application, method, target);
        readHeaders(count, into.clearedHeaders());
    }

    private RemoteAddress readAddress(final String what, final int familyOffset, final int addressOffset, final int port)
    {
        final int family = buffer.getByte(start + familyOffset) & 0xFF;
        final long high = buffer.getLongBigEndian(start + addressOffset);
        final long low = buffer.getLongBigEndian(start + addressOffset + Long.BYTES);
        final boolean known = family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4 || family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV6;
        if ((!known && (family != HttpHeadDescriptor.ADDRESS_FAMILY_NONE || high != 0 || low != 0 || port != 0)) ||
            (family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4 && (high != 0 || (low >>> 32) != 0xFFFF)))
        {
            throw new HeadFormatException(what + " address: family=" + family + " port=" + port +
                " address=" + Long.toHexString(high) + ":" + Long.toHexString(low));
        }
        return known ? addresses.get(family, high, low, port) : RemoteAddress.NONE;
    }

    private void readHeaders(final int count, final List<HttpHeader> headers)
    {
        // each header takes at least four bytes: a count larger than the frame allows is a lie
        if (count > (limit - position) / 4)
        {
            throw new HeadFormatException("header count " + count + " exceeds what " + (limit - position) + " bytes hold");
        }

        for (int i = 0; i < count; i++)
        {
            headers.add(readHeader(i));
        }

        if (position < limit)
        {
            throw new HeadFormatException((limit - position) + " bytes after the last header");
        }
    }

    private HttpHeader readHeader(final int index)
    {
        final String name = readName(index);
        final int length = readLength("header value", index);
        final byte[] bytes = copy(length);
        // the CM's request id is new on every request: kept, it would only push out what repeats
        return REQUEST_ID.equalsIgnoreCase(name) ?
            new HttpHeader(name, FrameBytes.newString(bytes, length)) :
            this.headers.get(name, strings.get(bytes, length));
    }

    /**
     * A header name: one of {@link #COMMON_NAMES} when the bytes spell it exactly (the same String for every
     * request, nothing allocated), else the one kept for these bytes, or a new String.
     */
    private String readName(final int index)
    {
        final int length = readLength("header name", index);
        final byte[] bytes = copy(length);
        if (length < COMMON_BY_LENGTH.length)
        {
            for (final String name : COMMON_BY_LENGTH[length])
            {
                if (FrameBytes.spells(bytes, length, name))
                {
                    return name;
                }
            }
        }
        return strings.get(bytes, length);
    }

    /**
     * @return the scratch array holding the {@code length} bytes at {@link #position}, which moves past them.
     */
    private byte[] copy(final int length)
    {
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        buffer.getBytes(position, scratch, 0, length);
        position += length;
        return scratch;
    }

    /**
     * @param index the header's index for the error message, or -1; the message is made only on an error (this runs
     *              for every field of every request).
     */
    private String readString(final String what, final int index)
    {
        return readCached(readLength(what, index));
    }

    private int readLength(final String what, final int index)
    {
        if (limit - position < Short.BYTES)
        {
            throw new HeadFormatException(describe(what, index) + ": no length at offset " + (position - start));
        }

        final int length = buffer.getShort(position) & 0xFFFF;
        position += Short.BYTES;
        if (length > limit - position)
        {
            throw new HeadFormatException(describe(what, index) + ": length " + length + " at offset " +
                (position - start - 2) + " runs past the frame");
        }
        return length;
    }

    private static String describe(final String what, final int index)
    {
        return index < 0 ? what : what + " " + index;
    }

    private String readCached(final int length)
    {
        return strings.get(copy(length), length);
    }
}
