package io.switchboard.cm.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.switchboard.cm.http.HttpChars.CR;
import static io.switchboard.cm.http.HttpChars.LF;
import static io.switchboard.cm.http.HttpChars.SP;
import static io.switchboard.cm.http.HttpChars.equalsIgnoreCase;
import static io.switchboard.cm.http.HttpChars.hexValue;
import static io.switchboard.cm.http.HttpChars.isDigit;
import static io.switchboard.cm.http.HttpChars.isFieldVchar;
import static io.switchboard.cm.http.HttpChars.isOws;
import static io.switchboard.cm.http.HttpChars.isTargetChar;
import static io.switchboard.cm.http.HttpChars.isTchar;
import static io.switchboard.cm.http.HttpChars.isValidHost;
import static io.switchboard.cm.http.HttpException.badRequest;

/**
 * Parses an HTTP/1.1 request head (RFC 9112 sections 2 to 6) incrementally,
 * strictly, and with bounded memory.
 * <p>
 * Bytes may arrive split anywhere, a CRLF included: {@link #parse} takes what
 * the buffer holds, remembers where it was, and goes on at the next call. It
 * stops exactly after the head's final CRLF, so whatever follows (a body, a
 * pipelined request) stays in the buffer for the caller.
 * <pre>{@code
 *   // readBuffer: the connection's bytes, position at the first unread one (heap or direct)
 *   if (parser.parse(readBuffer))
 *   {
 *       final RequestHead head = parser.head();  // readBuffer.position() is now the body's first byte
 *       dispatch(head);                          // framing: head.bodyFraming(), head.contentLength()
 *       ...
 *       parser.reset();                          // once the head is no longer needed, before the next request
 *   }
 *   // false: all bytes consumed; read more and call again
 * }</pre>
 * <p>
 * Strictness, each answered with an {@link HttpException} and then the
 * connection closed: a request line that is not exactly
 * {@code method SP target SP HTTP/d.d CRLF}; bytes outside the grammar in the
 * method, the target (strict RFC 3986, pct-encoding checked) and the field
 * names and values; bare CR and bare LF anywhere; obsolete line folding and
 * whitespace before a colon or before the first field; a missing or repeated
 * Host, or an invalid one (400); any repeated or non-numeric Content-Length,
 * Content-Length together with Transfer-Encoding, Transfer-Encoding in
 * HTTP/1.0, chunked not last or applied twice (400); a transfer coding other
 * than chunked (501); CONNECT (501); a major version other than 1 (505);
 * and the {@link HttpLimits}: request line (414), head and field count (431),
 * Content-Length above the body limit (413), leading empty lines (400).
 * Reasons are constants: they never echo the peer's bytes.
 * <p>
 * Allocation: none per request. Per parser (one per connection): this
 * object, its {@link RequestHead}, a head buffer of
 * {@link #DEFAULT_INITIAL_HEAD_CAPACITY} bytes and a field index for 16
 * fields; either doubles, up to the limits, for a larger head than any before
 * on the connection, and keeps its size. Copying the head into that buffer is
 * the one copy of request bytes the CM makes: it frees the read buffer and
 * lets the head outlive it until a worker channel exists. A rejected request
 * allocates its {@link HttpException}.
 * <p>
 * Not thread-safe: one parser per connection, used by its I/O thread.
 */
public final class RequestHeadParser
{
    /** Bytes of head buffer a new parser starts with: enough for most heads, cookies included. */
    public static final int DEFAULT_INITIAL_HEAD_CAPACITY = 4096;

    private static final int INITIAL_HEADER_CAPACITY = 16;
    private static final int VERSION_LENGTH = "HTTP/1.1".length();

    private static final String BARE_CR = "bare CR";
    private static final String BARE_LF = "bare LF";

    private static final byte[] HOST = ascii("host");
    private static final byte[] EXPECT = ascii("expect");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] CONTINUE_100 = ascii("100-continue");
    private static final byte[] HTTP_SCHEME = ascii("http://");
    private static final byte[] HTTPS_SCHEME = ascii("https://");

    private static final int LEADING = 0;
    private static final int LEADING_LF = 1;
    private static final int METHOD = 2;
    private static final int TARGET = 3;
    private static final int TARGET_PERCENT_HIGH = 4;
    private static final int TARGET_PERCENT_LOW = 5;
    private static final int VERSION = 6;
    private static final int REQUEST_LINE_LF = 7;
    private static final int FIELD_START = 8;
    private static final int FIELD_NAME = 9;
    private static final int FIELD_VALUE_START = 10;
    private static final int FIELD_VALUE = 11;
    private static final int FIELD_LF = 12;
    private static final int HEAD_LF = 13;
    private static final int DONE = 14;
    private static final int FAILED = 15;

    private final HttpLimits limits;
    private final RequestHead head;

    private int state;
    private int emptyLines;
    private int versionOffset;
    private int nameOffset;
    private int nameLength;
    private int valueOffset;
    private int valueEnd;
    private int elementStart;
    private int elementEnd;

    private boolean hostSeen;
    private int hostFieldOffset;
    private int hostFieldLength;
    private int authorityOffset;
    private int authorityLength;
    private boolean contentLengthSeen;
    private long contentLength;
    private boolean transferEncodingSeen;
    private int chunkedCount;
    private boolean lastCodingChunked;
    private boolean otherCoding;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean expect100;

    public RequestHeadParser(final HttpLimits limits)
    {
        this(limits, DEFAULT_INITIAL_HEAD_CAPACITY);
    }

    /**
     * @param limits              the bounds every request must respect.
     * @param initialHeadCapacity head buffer bytes to start with (capped at {@link HttpLimits#maxHeadLength()}).
     */
    public RequestHeadParser(final HttpLimits limits, final int initialHeadCapacity)
    {
        if (initialHeadCapacity < 1)
        {
            throw new IllegalArgumentException("initialHeadCapacity must be positive: initialHeadCapacity=" +
                initialHeadCapacity);
        }
        this.limits = limits;
        this.head = new RequestHead(
            Math.min(initialHeadCapacity, limits.maxHeadLength()),
            Math.min(INITIAL_HEADER_CAPACITY, limits.maxHeaderCount()));
        reset();
    }

    public HttpLimits limits()
    {
        return limits;
    }

    /**
     * @return the head being filled; complete once {@link #parse} returned true. The same object for every request.
     */
    public RequestHead head()
    {
        return head;
    }

    /**
     * @return true while no byte of a request line has arrived since {@link #reset()} (empty lines do not count):
     * a connection idle between requests may be closed silently, one in the middle of a head deserves a 408.
     */
    public boolean isIdle()
    {
        return state == LEADING || state == LEADING_LF;
    }

    /**
     * @return true once {@link #parse} has returned true, until {@link #reset()}.
     */
    public boolean isDone()
    {
        return state == DONE;
    }

    /**
     * Forgets the last request: call it once the head has been used, before parsing the next one. Allocates nothing.
     */
    public void reset()
    {
        state = LEADING;
        emptyLines = 0;
        versionOffset = 0;
        nameOffset = 0;
        nameLength = 0;
        valueOffset = 0;
        valueEnd = 0;
        hostSeen = false;
        hostFieldOffset = -1;
        hostFieldLength = 0;
        authorityOffset = -1;
        authorityLength = 0;
        contentLengthSeen = false;
        contentLength = 0;
        transferEncodingSeen = false;
        chunkedCount = 0;
        lastCodingChunked = false;
        otherCoding = false;
        connectionClose = false;
        connectionKeepAlive = false;
        expect100 = false;
        head.reset();
    }

    /**
     * Consumes bytes from {@code buffer}'s position up to its limit, or up to the end of the head if it comes first.
     * Absolute reads only: the buffer's limit, mark and contents are left alone, its position is advanced past what
     * was consumed.
     *
     * @param buffer the bytes received, heap or direct.
     * @return true when the head is complete (the position is then the first byte after it); false when every byte
     * was consumed and the head needs more.
     * @throws HttpException         when the request must be refused; the position is then just after the byte that
     *                               decided it, and the parser is unusable until {@link #reset()}.
     * @throws IllegalStateException when called on a complete or failed head without {@link #reset()} in between.
     */
    public boolean parse(final ByteBuffer buffer)
    {
        if (state >= DONE)
        {
            throw new IllegalStateException(state == DONE ?
                "head already parsed: reset() before parsing the next request" :
                "parser failed on an earlier request: reset() before reusing it");
        }

        final int limit = buffer.limit();
        int position = buffer.position();
        try
        {
            while (position < limit)
            {
                position = scanRun(buffer, position, limit);
                if (position < limit && consume(buffer.get(position++) & 0xFF))
                {
                    return true;
                }
            }

            return false;
        }
        catch (final HttpException ex)
        {
            state = FAILED;
            throw ex;
        }
        finally
        {
            buffer.position(position);
        }
    }

    /**
     * The fast path for the long runs of a head (field values, field names, the target): copies the bytes that
     * cannot change the state, as far as the head buffer and the request line limit allow, and stops before any
     * other byte, which {@link #consume} then handles with every check.
     *
     * @return the position of the first byte not consumed.
     */
    private int scanRun(final ByteBuffer buffer, final int position, final int limit)
    {
        final int state = this.state;
        if (state != FIELD_VALUE && state != FIELD_NAME && state != TARGET)
        {
            return position;
        }

        final RequestHead head = this.head;
        final byte[] destination = head.buffer;
        final int length = head.length;
        final int room = state == TARGET ?
            Math.min(destination.length, limits.maxRequestLineLength()) - length : destination.length - length;
        final int end = position + Math.min(limit - position, room);
        int i = position;
        if (state == FIELD_VALUE)
        {
            int valueEnd = this.valueEnd;
            while (i < end)
            {
                final int b = buffer.get(i) & 0xFF;
                if (isFieldVchar(b))
                {
                    destination[length + i - position] = (byte)b;
                    valueEnd = length + i - position + 1;
                }
                else if (isOws(b))
                {
                    destination[length + i - position] = (byte)b;
                }
                else
                {
                    break;
                }
                i++;
            }
            this.valueEnd = valueEnd;
        }
        else
        {
            while (i < end)
            {
                final int b = buffer.get(i) & 0xFF;
                if (state == FIELD_NAME ? !isTchar(b) : (!isTargetChar(b) || b == '%'))
                {
                    break;
                }
                destination[length + i - position] = (byte)b;
                i++;
            }
        }
        head.length = length + i - position;

        return i;
    }

    private boolean consume(final int b)
    {
        switch (state)
        {
            case LEADING:
                if (b == CR)
                {
                    state = LEADING_LF;
                }
                else if (isTchar(b))
                {
                    append(b);
                    state = METHOD;
                }
                else
                {
                    throw badRequest(b == LF ? BARE_LF : "invalid method");
                }
                return false;

            case LEADING_LF:
                if (b != LF)
                {
                    throw badRequest(BARE_CR);
                }
                if (++emptyLines > limits.maxLeadingEmptyLines())
                {
                    throw badRequest("too many empty lines before the request line");
                }
                state = LEADING;
                return false;

            case METHOD:
                appendToRequestLine(b);
                if (b == SP)
                {
                    head.methodLength = head.length - 1;
                    head.targetOffset = head.length;
                    state = TARGET;
                }
                else if (!isTchar(b))
                {
                    throw badRequest(lineEndReason(b, "invalid method"));
                }
                return false;

            case TARGET:
                appendToRequestLine(b);
                if (b == SP)
                {
                    final int targetLength = head.length - 1 - head.targetOffset;
                    if (targetLength == 0)
                    {
                        throw badRequest("empty request target");
                    }
                    head.targetLength = targetLength;
                    versionOffset = head.length;
                    state = VERSION;
                }
                else if (b == '%')
                {
                    state = TARGET_PERCENT_HIGH;
                }
                else if (!isTargetChar(b))
                {
                    throw badRequest(lineEndReason(b, "invalid character in request target"));
                }
                return false;

            case TARGET_PERCENT_HIGH:
            case TARGET_PERCENT_LOW:
                appendToRequestLine(b);
                if (hexValue(b) < 0)
                {
                    throw badRequest("invalid percent-encoding in request target");
                }
                state = state == TARGET_PERCENT_HIGH ? TARGET_PERCENT_LOW : TARGET;
                return false;

            case VERSION:
                if (b == CR)
                {
                    append(b);
                    state = REQUEST_LINE_LF;
                }
                else
                {
                    appendToRequestLine(b);
                    if (b == LF)
                    {
                        throw badRequest(BARE_LF);
                    }
                    if (head.length - versionOffset > VERSION_LENGTH)
                    {
                        throw badRequest("invalid HTTP version");
                    }
                }
                return false;

            case REQUEST_LINE_LF:
                append(b);
                if (b != LF)
                {
                    throw badRequest(BARE_CR);
                }
                finishRequestLine();
                state = FIELD_START;
                return false;

            case FIELD_START:
                append(b);
                if (b == CR)
                {
                    state = HEAD_LF;
                }
                else if (isTchar(b))
                {
                    if (head.headerCount == limits.maxHeaderCount())
                    {
                        throw new HttpException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header fields");
                    }
                    nameOffset = head.length - 1;
                    state = FIELD_NAME;
                }
                else if (isOws(b))
                {
                    // RFC 9112 5.2 and 2.2: reject obs-fold, and whitespace between the request line and first field.
                    throw badRequest(head.headerCount == 0 ?
                        "whitespace before the first header field" : "obsolete line folding");
                }
                else
                {
                    throw badRequest(b == LF ? BARE_LF : "invalid character in field name");
                }
                return false;

            case FIELD_NAME:
                append(b);
                if (b == ':')
                {
                    nameLength = head.length - 1 - nameOffset;
                    state = FIELD_VALUE_START;
                }
                else if (!isTchar(b))
                {
                    throw badRequest(isOws(b) ? "whitespace before colon" : "invalid character in field name");
                }
                return false;

            case FIELD_VALUE_START:
                append(b);
                if (b == CR)
                {
                    valueOffset = head.length - 1;
                    valueEnd = valueOffset;
                    state = FIELD_LF;
                }
                else if (isFieldVchar(b))
                {
                    valueOffset = head.length - 1;
                    valueEnd = head.length;
                    state = FIELD_VALUE;
                }
                else if (!isOws(b))
                {
                    throw badRequest(b == LF ? BARE_LF : "invalid character in field value");
                }
                return false;

            case FIELD_VALUE:
                append(b);
                if (isFieldVchar(b))
                {
                    valueEnd = head.length;
                }
                else if (b == CR)
                {
                    state = FIELD_LF;
                }
                else if (!isOws(b))
                {
                    throw badRequest(b == LF ? BARE_LF : "invalid character in field value");
                }
                return false;

            case FIELD_LF:
                append(b);
                if (b != LF)
                {
                    throw badRequest(BARE_CR);
                }
                commitField();
                state = FIELD_START;
                return false;

            case HEAD_LF:
                append(b);
                if (b != LF)
                {
                    throw badRequest(BARE_CR);
                }
                finishHead();
                state = DONE;
                return true;

            default:
                throw new IllegalStateException("unexpected parser state: state=" + state);
        }
    }

    private static String lineEndReason(final int b, final String otherwise)
    {
        if (b == CR || b == LF)
        {
            return "incomplete request line";
        }

        return otherwise;
    }

    private void appendToRequestLine(final int b)
    {
        // The request line starts at index 0 of the head buffer, so its length so far is the head's.
        if (head.length >= limits.maxRequestLineLength())
        {
            throw new HttpException(HttpStatus.URI_TOO_LONG, "request line too long");
        }
        append(b);
    }

    private void append(final int b)
    {
        final RequestHead head = this.head;
        final int length = head.length;
        byte[] buffer = head.buffer;
        if (length == buffer.length)
        {
            final int maxHeadLength = limits.maxHeadLength();
            if (length >= maxHeadLength)
            {
                throw new HttpException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head too large");
            }
            buffer = Arrays.copyOf(buffer, (int)Math.min(2L * length, maxHeadLength));
            head.buffer = buffer;
        }
        buffer[length] = (byte)b;
        head.length = length + 1;
    }

    private void finishRequestLine()
    {
        final RequestHead head = this.head;
        final byte[] buffer = head.buffer;
        final int v = versionOffset;
        if (head.length - 2 - v != VERSION_LENGTH ||
            buffer[v] != 'H' || buffer[v + 1] != 'T' || buffer[v + 2] != 'T' || buffer[v + 3] != 'P' ||
            buffer[v + 4] != '/' || !isDigit(buffer[v + 5] & 0xFF) || buffer[v + 6] != '.' ||
            !isDigit(buffer[v + 7] & 0xFF))
        {
            throw badRequest("invalid HTTP version");
        }
        if (buffer[v + 5] != '1')
        {
            throw new HttpException(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported");
        }
        head.version = buffer[v + 7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;

        head.method = HttpMethod.of(buffer, 0, head.methodLength);
        if (head.method == HttpMethod.CONNECT)
        {
            // The CM is no proxy: a tunnel cannot be relayed as request and response.
            throw new HttpException(HttpStatus.NOT_IMPLEMENTED, "CONNECT not supported");
        }

        parseTarget();
    }

    private void parseTarget()
    {
        final RequestHead head = this.head;
        final byte[] buffer = head.buffer;
        final int offset = head.targetOffset;
        final int end = offset + head.targetLength;
        if (buffer[offset] == '/')
        {
            head.targetForm = TargetForm.ORIGIN;
            splitPathAndQuery(offset, end);
        }
        else if (end - offset == 1 && buffer[offset] == '*')
        {
            if (head.method != HttpMethod.OPTIONS)
            {
                throw badRequest("asterisk-form target without OPTIONS");
            }
            head.targetForm = TargetForm.ASTERISK;
            head.pathOffset = offset;
            head.pathLength = 0;
        }
        else
        {
            int i;
            if (startsWithIgnoreCase(buffer, offset, end, HTTP_SCHEME))
            {
                i = offset + HTTP_SCHEME.length;
            }
            else if (startsWithIgnoreCase(buffer, offset, end, HTTPS_SCHEME))
            {
                i = offset + HTTPS_SCHEME.length;
            }
            else
            {
                throw badRequest("invalid request target");
            }

            final int authorityStart = i;
            while (i < end && buffer[i] != '/' && buffer[i] != '?')
            {
                i++;
            }
            // RFC 9110 4.2.1 and 4.2.4: an http URI needs a host, and userinfo in it is an error ('@' is refused).
            if (!isValidHost(buffer, authorityStart, i - authorityStart, true))
            {
                throw badRequest("invalid authority in request target");
            }
            authorityOffset = authorityStart;
            authorityLength = i - authorityStart;
            head.targetForm = TargetForm.ABSOLUTE;
            splitPathAndQuery(i, end);
        }
    }

    private void splitPathAndQuery(final int pathOffset, final int end)
    {
        final RequestHead head = this.head;
        final byte[] buffer = head.buffer;
        int i = pathOffset;
        while (i < end && buffer[i] != '?')
        {
            i++;
        }
        head.pathOffset = pathOffset;
        head.pathLength = i - pathOffset;
        if (i < end)
        {
            head.queryOffset = i + 1;
            head.queryLength = end - i - 1;
        }
    }

    private static boolean startsWithIgnoreCase(
        final byte[] buffer, final int offset, final int end, final byte[] lowerCasePrefix)
    {
        return end - offset >= lowerCasePrefix.length &&
            equalsIgnoreCase(buffer, offset, lowerCasePrefix.length, lowerCasePrefix);
    }

    private void commitField()
    {
        final RequestHead head = this.head;
        final int valueLength = valueEnd - valueOffset;
        head.addField(nameOffset, nameLength, valueOffset, valueLength, limits.maxHeaderCount());

        final byte[] buffer = head.buffer;
        switch (nameLength)
        {
            case 4:
                if (equalsIgnoreCase(buffer, nameOffset, nameLength, HOST))
                {
                    onHost(buffer, valueLength);
                }
                break;

            case 6:
                if (equalsIgnoreCase(buffer, nameOffset, nameLength, EXPECT))
                {
                    onExpect(buffer, valueLength);
                }
                break;

            case 10:
                if (equalsIgnoreCase(buffer, nameOffset, nameLength, CONNECTION))
                {
                    onConnection(buffer, valueLength);
                }
                break;

            case 14:
                if (equalsIgnoreCase(buffer, nameOffset, nameLength, CONTENT_LENGTH))
                {
                    onContentLength(buffer, valueLength);
                }
                break;

            case 17:
                if (equalsIgnoreCase(buffer, nameOffset, nameLength, TRANSFER_ENCODING))
                {
                    onTransferEncoding(buffer, valueLength);
                }
                break;

            default:
                break;
        }
    }

    private void onHost(final byte[] buffer, final int valueLength)
    {
        // RFC 9112 3.2: 400 for more than one Host line or an invalid one.
        if (hostSeen)
        {
            throw badRequest("duplicate Host");
        }
        if (!isValidHost(buffer, valueOffset, valueLength, false))
        {
            throw badRequest("invalid Host");
        }
        hostSeen = true;
        hostFieldOffset = valueOffset;
        hostFieldLength = valueLength;
    }

    private void onContentLength(final byte[] buffer, final int valueLength)
    {
        // RFC 9110 8.6 lets a recipient reject repeated or listed values, even identical ones: no guessing here.
        if (contentLengthSeen)
        {
            throw badRequest("duplicate Content-Length");
        }
        if (valueLength == 0)
        {
            throw badRequest("invalid Content-Length");
        }
        long value = 0;
        for (int i = valueOffset, end = valueOffset + valueLength; i < end; i++)
        {
            final int b = buffer[i] & 0xFF;
            if (!isDigit(b))
            {
                throw badRequest("invalid Content-Length");
            }
            final int digit = b - '0';
            // Saturates rather than overflows: any value that large is over the body limit anyway.
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
        }
        contentLengthSeen = true;
        contentLength = value;
    }

    private void onTransferEncoding(final byte[] buffer, final int valueLength)
    {
        // Several Transfer-Encoding lines form one list, in order (RFC 9110 5.3).
        transferEncodingSeen = true;
        final int end = valueOffset + valueLength;
        int i = valueOffset;
        while (i < end)
        {
            i = nextElement(buffer, i, end);
            final int start = elementStart;
            final int elementEnd = this.elementEnd;
            if (start == elementEnd)
            {
                continue;
            }

            int tokenEnd = start;
            while (tokenEnd < elementEnd && isTchar(buffer[tokenEnd] & 0xFF))
            {
                tokenEnd++;
            }
            if (tokenEnd == start)
            {
                throw badRequest("invalid Transfer-Encoding");
            }

            if (tokenEnd == elementEnd && equalsIgnoreCase(buffer, start, tokenEnd - start, CHUNKED))
            {
                chunkedCount++;
                lastCodingChunked = true;
            }
            else
            {
                // Another coding, or chunked with parameters (it has none): either way one the CM does not decode.
                int p = tokenEnd;
                while (p < elementEnd && isOws(buffer[p] & 0xFF))
                {
                    p++;
                }
                if (tokenEnd != elementEnd && (p == elementEnd || buffer[p] != ';'))
                {
                    throw badRequest("invalid Transfer-Encoding");
                }
                otherCoding = true;
                lastCodingChunked = false;
            }
        }
    }

    private void onConnection(final byte[] buffer, final int valueLength)
    {
        final int end = valueOffset + valueLength;
        int i = valueOffset;
        while (i < end)
        {
            i = nextElement(buffer, i, end);
            final int length = elementEnd - elementStart;
            if (equalsIgnoreCase(buffer, elementStart, length, CLOSE))
            {
                connectionClose = true;
            }
            else if (equalsIgnoreCase(buffer, elementStart, length, KEEP_ALIVE))
            {
                connectionKeepAlive = true;
            }
        }
    }

    private void onExpect(final byte[] buffer, final int valueLength)
    {
        final int end = valueOffset + valueLength;
        int i = valueOffset;
        while (i < end)
        {
            i = nextElement(buffer, i, end);
            if (equalsIgnoreCase(buffer, elementStart, elementEnd - elementStart, CONTINUE_100))
            {
                expect100 = true;
            }
        }
    }

    /**
     * Finds the list element (RFC 9110 5.6.1) that starts at {@code from}: sets {@link #elementStart} and
     * {@link #elementEnd} around it, whitespace trimmed (empty elements are legal), and returns where the next
     * one starts.
     */
    private int nextElement(final byte[] buffer, final int from, final int end)
    {
        int i = from;
        while (i < end && isOws(buffer[i] & 0xFF))
        {
            i++;
        }
        final int start = i;
        while (i < end && buffer[i] != ',')
        {
            i++;
        }
        int last = i;
        while (last > start && isOws(buffer[last - 1] & 0xFF))
        {
            last--;
        }
        elementStart = start;
        elementEnd = last;

        return i < end ? i + 1 : end;
    }

    private void finishHead()
    {
        final RequestHead head = this.head;
        final boolean http11 = head.version == HttpVersion.HTTP_1_1;
        if (http11 && !hostSeen)
        {
            throw badRequest("missing Host");
        }

        if (transferEncodingSeen)
        {
            // RFC 9112 6.1 and 6.3: each of these leaves the body's length in doubt.
            if (!http11)
            {
                throw badRequest("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (contentLengthSeen)
            {
                throw badRequest("both Content-Length and Transfer-Encoding");
            }
            if (chunkedCount == 0 && !otherCoding)
            {
                throw badRequest("empty Transfer-Encoding");
            }
            if (!lastCodingChunked)
            {
                throw badRequest("chunked is not the final transfer coding");
            }
            if (chunkedCount > 1)
            {
                throw badRequest("chunked applied more than once");
            }
            if (otherCoding)
            {
                throw new HttpException(HttpStatus.NOT_IMPLEMENTED, "transfer coding not supported");
            }
            head.bodyFraming = BodyFraming.CHUNKED;
        }
        else if (contentLengthSeen)
        {
            if (contentLength > limits.maxBodyLength())
            {
                throw new HttpException(HttpStatus.CONTENT_TOO_LARGE, "body larger than the limit");
            }
            head.bodyFraming = BodyFraming.CONTENT_LENGTH;
            head.contentLength = contentLength;
        }
        else
        {
            head.bodyFraming = BodyFraming.NONE;
        }

        if (head.targetForm == TargetForm.ABSOLUTE)
        {
            head.hostOffset = authorityOffset;
            head.hostLength = authorityLength;
        }
        else if (hostSeen)
        {
            head.hostOffset = hostFieldOffset;
            head.hostLength = hostFieldLength;
        }

        head.keepAlive = !connectionClose && (http11 || connectionKeepAlive);
        head.expectContinue = http11 && expect100 &&
            (head.bodyFraming == BodyFraming.CHUNKED || head.contentLength > 0);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
