package io.switchboard.cm.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A parsed request head, filled by {@link RequestHeadParser} and reused for
 * every request of a connection: read it between a successful
 * {@link RequestHeadParser#parse} and the next {@link RequestHeadParser#reset}.
 * <p>
 * The head's bytes, request line to final CRLF, lie in {@link #buffer()} from
 * index 0 to {@link #length()} (leading empty lines excluded). Every part is
 * given as an offset and a length into that array, so reading a head
 * allocates nothing; the methods that return a {@code String} allocate and are
 * meant for tests, diagnostics and cold paths.
 * <pre>
 *   GET /app/x?q=1 HTTP/1.1\r\n        method at 0, target, path, query
 *   Host: example.com\r\n              header 0: name, value (OWS trimmed)
 *   Content-Length: 5\r\n              header 1
 *   \r\n                               length() ends here
 * </pre>
 * Field values are stored without their leading and trailing whitespace.
 * Repeated fields stay separate lines, in arrival order.
 * <p>
 * Not thread-safe: it belongs to its parser's connection.
 */
public final class RequestHead
{
    private static final int FIELD_STRIDE = 4;
    private static final int NAME_OFFSET = 0;
    private static final int NAME_LENGTH = 1;
    private static final int VALUE_OFFSET = 2;
    private static final int VALUE_LENGTH = 3;

    byte[] buffer;
    int length;

    HttpMethod method;
    int methodLength;
    int targetOffset;
    int targetLength;
    TargetForm targetForm;
    int pathOffset;
    int pathLength;
    int queryOffset;
    int queryLength;
    HttpVersion version;

    int[] fields;
    int headerCount;

    int hostOffset;
    int hostLength;
    BodyFraming bodyFraming;
    long contentLength;
    boolean keepAlive;
    boolean expectContinue;

    RequestHead(final int initialHeadCapacity, final int initialHeaderCapacity)
    {
        buffer = new byte[initialHeadCapacity];
        fields = new int[initialHeaderCapacity * FIELD_STRIDE];
        reset();
    }

    void reset()
    {
        length = 0;
        method = null;
        methodLength = 0;
        targetOffset = 0;
        targetLength = 0;
        targetForm = null;
        pathOffset = 0;
        pathLength = 0;
        queryOffset = -1;
        queryLength = 0;
        version = null;
        headerCount = 0;
        hostOffset = -1;
        hostLength = 0;
        bodyFraming = null;
        contentLength = 0;
        keepAlive = false;
        expectContinue = false;
    }

    void addField(
        final int nameOffset, final int nameLength, final int valueOffset, final int valueLength, final int maxCount)
    {
        final int base = headerCount * FIELD_STRIDE;
        if (base == fields.length)
        {
            // Grows only for a request with more fields than any before on this connection; bounded by maxCount.
            fields = Arrays.copyOf(fields, Math.min(fields.length * 2, maxCount * FIELD_STRIDE));
        }
        fields[base + NAME_OFFSET] = nameOffset;
        fields[base + NAME_LENGTH] = nameLength;
        fields[base + VALUE_OFFSET] = valueOffset;
        fields[base + VALUE_LENGTH] = valueLength;
        headerCount++;
    }

    /**
     * @return the array holding the head's bytes in {@code [0, length())}. Read it, do not write it. The same array
     * for every request unless a larger head made the parser grow it.
     */
    public byte[] buffer()
    {
        return buffer;
    }

    /**
     * @return bytes of the head, request line to the final CRLF included: where the body starts, counted from the
     * head's first byte.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return the method, or {@link HttpMethod#OTHER} for an extension method (its bytes start at index 0).
     */
    public HttpMethod method()
    {
        return method;
    }

    /**
     * @return bytes of the method token, which starts at index 0.
     */
    public int methodLength()
    {
        return methodLength;
    }

    public int targetOffset()
    {
        return targetOffset;
    }

    public int targetLength()
    {
        return targetLength;
    }

    public TargetForm targetForm()
    {
        return targetForm;
    }

    /**
     * @return where the path starts: the target's start in origin-form, after the authority in absolute-form.
     */
    public int pathOffset()
    {
        return pathOffset;
    }

    /**
     * @return bytes of the path, query excluded; 0 for the asterisk-form and for an absolute-form without a path
     * (which means "/").
     */
    public int pathLength()
    {
        return pathLength;
    }

    /**
     * @return where the query starts, after the '?'; -1 when the target has no '?'.
     */
    public int queryOffset()
    {
        return queryOffset;
    }

    public int queryLength()
    {
        return queryLength;
    }

    public HttpVersion version()
    {
        return version;
    }

    public int headerCount()
    {
        return headerCount;
    }

    public int headerNameOffset(final int index)
    {
        return fields[fieldBase(index) + NAME_OFFSET];
    }

    public int headerNameLength(final int index)
    {
        return fields[fieldBase(index) + NAME_LENGTH];
    }

    public int headerValueOffset(final int index)
    {
        return fields[fieldBase(index) + VALUE_OFFSET];
    }

    public int headerValueLength(final int index)
    {
        return fields[fieldBase(index) + VALUE_LENGTH];
    }

    /**
     * Finds a field by name, ASCII case-insensitively, without allocating.
     *
     * @param lowerCaseName the name in lower case, e.g. {@code "content-type"}.
     * @param fromIndex     the first field index to look at (0, or one past the last match for repeated fields).
     * @return the index of the first match at or after {@code fromIndex}, or -1.
     */
    public int findHeader(final String lowerCaseName, final int fromIndex)
    {
        final int nameLength = lowerCaseName.length();
        for (int i = Math.max(0, fromIndex); i < headerCount; i++)
        {
            final int base = i * FIELD_STRIDE;
            if (fields[base + NAME_LENGTH] == nameLength && nameEquals(fields[base + NAME_OFFSET], lowerCaseName))
            {
                return i;
            }
        }

        return -1;
    }

    private boolean nameEquals(final int offset, final String lowerCaseName)
    {
        for (int i = 0; i < lowerCaseName.length(); i++)
        {
            if (HttpChars.toLowerCase(buffer[offset + i] & 0xFF) != lowerCaseName.charAt(i))
            {
                return false;
            }
        }

        return true;
    }

    /**
     * @return true when the request named a host: the Host field, or the authority of an absolute-form target,
     * which RFC 9112 section 3.2.2 says wins over the Host field. False only for HTTP/1.0 without Host.
     */
    public boolean hasHost()
    {
        return hostOffset >= 0;
    }

    /**
     * @return where the host ({@code uri-host [":" port]}) starts, or -1 when {@link #hasHost()} is false.
     */
    public int hostOffset()
    {
        return hostOffset;
    }

    /**
     * @return bytes of the host; 0 for an empty Host field, which RFC 9110 section 7.2 allows.
     */
    public int hostLength()
    {
        return hostLength;
    }

    public BodyFraming bodyFraming()
    {
        return bodyFraming;
    }

    /**
     * @return the body's length for {@link BodyFraming#CONTENT_LENGTH} (at most the body limit), otherwise 0.
     */
    public long contentLength()
    {
        return contentLength;
    }

    /**
     * @return true when the connection may carry another request after this one's response: HTTP/1.1 without
     * "Connection: close", or HTTP/1.0 with "Connection: keep-alive" (whose response must then say
     * "Connection: keep-alive" too). The response may still close it.
     */
    public boolean keepAlive()
    {
        return keepAlive;
    }

    /**
     * @return true when the client waits for "100 Continue" before it sends the body: HTTP/1.1, "Expect:
     * 100-continue", and a body is announced (chunked, or a Content-Length above 0). An HTTP/1.0 request's
     * expectation is ignored, as RFC 9110 section 10.1.1 requires; expectations other than 100-continue are
     * ignored too.
     */
    public boolean expectContinue()
    {
        return expectContinue;
    }

    /**
     * @return the method as a String (allocates).
     */
    public String methodName()
    {
        return ascii(0, methodLength);
    }

    /**
     * @return the request target as a String (allocates).
     */
    public String target()
    {
        return ascii(targetOffset, targetLength);
    }

    /**
     * @return the path as a String (allocates).
     */
    public String path()
    {
        return ascii(pathOffset, pathLength);
    }

    /**
     * @return the host as a String, or null (allocates).
     */
    public String host()
    {
        return hostOffset < 0 ? null : ascii(hostOffset, hostLength);
    }

    /**
     * @return the field's name as a String (allocates).
     */
    public String headerName(final int index)
    {
        return ascii(headerNameOffset(index), headerNameLength(index));
    }

    /**
     * @return the field's value as a String, obs-text bytes read as ISO-8859-1 (allocates).
     */
    public String headerValue(final int index)
    {
        return ascii(headerValueOffset(index), headerValueLength(index));
    }

    private String ascii(final int offset, final int length)
    {
        return new String(buffer, offset, length, StandardCharsets.ISO_8859_1);
    }

    private int fieldBase(final int index)
    {
        if (index < 0 || index >= headerCount)
        {
            throw new IndexOutOfBoundsException("index=" + index + ", headerCount=" + headerCount);
        }

        return index * FIELD_STRIDE;
    }

    /**
     * Method, target, version and framing; field values are left out, as they may hold credentials.
     */
    @Override
    public String toString()
    {
        if (bodyFraming == null)
        {
            return "RequestHead{incomplete}";
        }

        return "RequestHead{" + methodName() + ' ' + target() + ' ' + version +
            ", headerCount=" + headerCount + ", framing=" + bodyFraming + ", contentLength=" + contentLength +
            ", keepAlive=" + keepAlive + ", expectContinue=" + expectContinue + '}';
    }
}
