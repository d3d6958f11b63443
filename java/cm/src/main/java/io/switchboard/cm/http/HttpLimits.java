package io.switchboard.cm.http;

/**
 * The bounds a request must stay within; each one guards the CM's memory or
 * time against a peer that sends without end.
 *
 * @param maxRequestLineLength bytes of the request line, CRLF excluded; beyond it: 414.
 * @param maxHeadLength        bytes of the whole head (request line, header fields, the CRLFs); beyond it: 431.
 *                             Also the most a parser's head buffer grows to.
 * @param maxHeaderCount       header field lines; beyond it: 431.
 * @param maxLeadingEmptyLines empty lines tolerated before the request line (RFC 9112 section 2.2); beyond: 400.
 * @param maxBodyLength        body bytes, by Content-Length or summed chunk sizes; beyond it: 413.
 * @param maxChunkLineLength   bytes of a chunk-size line, extensions included, CRLF excluded; beyond it: 400.
 * @param maxTrailerLength     bytes of a chunked body's trailer section; beyond it: 431.
 */
public record HttpLimits(
    int maxRequestLineLength,
    int maxHeadLength,
    int maxHeaderCount,
    int maxLeadingEmptyLines,
    long maxBodyLength,
    int maxChunkLineLength,
    int maxTrailerLength)
{
    /** The largest head a parser will hold: beyond that a head is an attack, not a request. */
    public static final int MAX_HEAD_LENGTH_CEILING = 1024 * 1024;

    /** The shortest useful request line, {@code "GET / HTTP/1.1"}, and a little room. */
    public static final int MIN_REQUEST_LINE_LENGTH = 16;

    /** 8 KiB line, 32 KiB head, 100 fields, 8 empty lines, 16 MiB body, 1 KiB chunk line, 8 KiB trailers. */
    public static final HttpLimits DEFAULT = new HttpLimits(
        8 * 1024, 32 * 1024, 100, 8, 16L * 1024 * 1024, 1024, 8 * 1024);

    public HttpLimits
    {
        if (maxRequestLineLength < MIN_REQUEST_LINE_LENGTH ||
            maxHeadLength < maxRequestLineLength ||
            maxHeadLength > MAX_HEAD_LENGTH_CEILING ||
            maxHeaderCount < 1 ||
            maxHeaderCount > maxHeadLength / 4 ||
            maxLeadingEmptyLines < 0 ||
            maxBodyLength < 0 ||
            maxChunkLineLength < 1 ||
            maxTrailerLength < 0)
        {
            throw new IllegalArgumentException(
                "limits out of range (need " + MIN_REQUEST_LINE_LENGTH + " <= maxRequestLineLength <= maxHeadLength <= " +
                MAX_HEAD_LENGTH_CEILING + ", 1 <= maxHeaderCount <= maxHeadLength / 4, the others >= 0 and " +
                "maxChunkLineLength >= 1): maxRequestLineLength=" + maxRequestLineLength +
                ", maxHeadLength=" + maxHeadLength + ", maxHeaderCount=" + maxHeaderCount +
                ", maxLeadingEmptyLines=" + maxLeadingEmptyLines + ", maxBodyLength=" + maxBodyLength +
                ", maxChunkLineLength=" + maxChunkLineLength + ", maxTrailerLength=" + maxTrailerLength);
        }
    }

    /**
     * @return these limits with another body limit (an application may allow larger uploads than the default).
     */
    public HttpLimits withMaxBodyLength(final long maxBodyLength)
    {
        return new HttpLimits(
            maxRequestLineLength, maxHeadLength, maxHeaderCount, maxLeadingEmptyLines,
            maxBodyLength, maxChunkLineLength, maxTrailerLength);
    }
}
