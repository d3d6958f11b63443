package io.switchboard.cm.http;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static io.switchboard.cm.http.HttpChars.HTAB;
import static io.switchboard.cm.http.HttpChars.isFieldVchar;
import static io.switchboard.cm.http.HttpChars.isTchar;

/**
 * Writes an HTTP/1.1 response head into a {@code ByteBuffer}: the status
 * line, {@code Date}, {@code Server: switchboard}, the worker's fields, the
 * framing and connection fields, and the empty line.
 * <pre>{@code
 *   writer.begin(buffer, 200)                       // HTTP/1.1 200 OK, Date, Server
 *       .header("Content-Type", "text/plain")       // each checked: no CR/LF injection
 *       .contentLength(5)                           // or .chunked(), or neither (close-delimited, 204, 304)
 *       .connectionClose();                         // when the CM will close after this response
 *   final int headLength = writer.end();            // the final CRLF; buffer.position() is after it
 * }</pre>
 * The worker's fields are validated before a byte of them is written: a name
 * must be a token; a value may hold visible ASCII, obs-text, SP and HTAB, and
 * nothing else (no CR, LF, NUL or other control byte). The CM alone writes
 * {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection} and
 * the other hop-by-hop fields, {@code Date} and {@code Server}, so a worker
 * cannot frame the response against the CM's own framing. Violations throw
 * {@link InvalidHeaderException}.
 * <p>
 * Framing rules (RFC 9110 8.6, RFC 9112 6.1) are enforced: no Content-Length
 * or Transfer-Encoding on 204, no Transfer-Encoding on 304, one framing field
 * at most. What the request implies is the caller's part: HEAD gets the
 * framing of the GET response and no body; an HTTP/1.0 client gets no chunked
 * body (Content-Length, or close-delimited with {@link #connectionClose()})
 * and, if it asked for keep-alive and gets it, {@link #connectionKeepAlive()}.
 * <p>
 * Too little room throws {@link BufferOverflowException} from the call that
 * did not fit; that call writes nothing, the ones before stay: the caller
 * drops the partial head from the position it had before {@link #begin}.
 * <p>
 * Allocation: none. Not thread-safe: one per I/O thread.
 */
public final class ResponseHeadWriter
{
    private static final byte[] VERSION_SP = ascii("HTTP/1.1 ");
    private static final byte[][] STATUS_LINES = new byte[600][];
    private static final byte[] DATE_NAME = ascii("Date: ");
    private static final byte[] SERVER_LINE = ascii("Server: switchboard\r\n");
    private static final byte[] CONTENT_LENGTH_NAME = ascii("Content-Length: ");
    private static final byte[] CHUNKED_LINE = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] CLOSE_LINE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE_LINE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CONTINUE_RESPONSE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final int MAX_LONG_DIGITS = 19;

    // Framing, hop-by-hop (RFC 9110 7.6.1) and the fields the CM writes itself, in lower case.
    private static final String[] RESERVED_NAMES = {
        "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "upgrade", "te",
        "trailer", "date", "server" };

    static
    {
        for (int status = 100; status < STATUS_LINES.length; status++)
        {
            final String phrase = HttpStatus.reasonPhrase(status);
            if (phrase != null)
            {
                STATUS_LINES[status] = ascii("HTTP/1.1 " + status + " " + phrase + "\r\n");
            }
        }
    }

    private final HttpDate date;
    private ByteBuffer buffer;
    private int start;
    private int status;
    private boolean framed;
    private boolean connectionWritten;

    /**
     * @param date the Date source of this writer's I/O thread.
     */
    public ResponseHeadWriter(final HttpDate date)
    {
        this.date = date;
    }

    /**
     * Writes {@code HTTP/1.1 100 Continue} and its empty line: the interim response to "Expect: 100-continue".
     *
     * @return bytes written.
     */
    public static int putContinue(final ByteBuffer buffer)
    {
        reserve(buffer, CONTINUE_RESPONSE.length);
        buffer.put(CONTINUE_RESPONSE);

        return CONTINUE_RESPONSE.length;
    }

    /**
     * Starts a head at the buffer's position: the status line, Date and Server.
     *
     * @param status a final status, 200 to 599 (the CM writes 100 Continue with {@link #putContinue}; protocol
     *               switching is not supported). A code without a standard phrase gets an empty reason.
     */
    public ResponseHeadWriter begin(final ByteBuffer buffer, final int status)
    {
        if (status < 200 || status > 599)
        {
            throw new IllegalArgumentException(
                "status must be a final status, 200 to 599 (1xx are written by the CM): status=" + status);
        }

        this.buffer = null;
        final byte[] statusLine = STATUS_LINES[status];
        final int lineLength = statusLine != null ? statusLine.length : VERSION_SP.length + 6;
        reserve(buffer, lineLength + DATE_NAME.length + HttpDate.LENGTH + 2 + SERVER_LINE.length);

        this.start = buffer.position();
        if (statusLine != null)
        {
            buffer.put(statusLine);
        }
        else
        {
            buffer.put(VERSION_SP)
                .put((byte)('0' + status / 100))
                .put((byte)('0' + status / 10 % 10))
                .put((byte)('0' + status % 10))
                .put((byte)' ')
                .put((byte)'\r')
                .put((byte)'\n');
        }
        buffer.put(DATE_NAME);
        date.put(buffer);
        buffer.put((byte)'\r').put((byte)'\n');
        buffer.put(SERVER_LINE);

        this.buffer = buffer;
        this.status = status;
        this.framed = false;
        this.connectionWritten = false;

        return this;
    }

    /**
     * Writes a field given as Strings. Characters must be single bytes (up to U+00FF, written as ISO-8859-1).
     *
     * @throws InvalidHeaderException when the name is not a token, is one the CM writes, or the value holds a
     *                                forbidden character.
     */
    public ResponseHeadWriter header(final CharSequence name, final CharSequence value)
    {
        final ByteBuffer buffer = checkBegun();
        final int nameLength = name.length();
        final int valueLength = value.length();
        checkName(name, nameLength);
        for (int i = 0; i < valueLength; i++)
        {
            final char c = value.charAt(i);
            if (!isValueChar(c))
            {
                throw forbiddenValueChar(name, i, c);
            }
        }

        reserve(buffer, nameLength + valueLength + 4);
        for (int i = 0; i < nameLength; i++)
        {
            buffer.put((byte)name.charAt(i));
        }
        buffer.put((byte)':').put((byte)' ');
        for (int i = 0; i < valueLength; i++)
        {
            buffer.put((byte)value.charAt(i));
        }
        buffer.put((byte)'\r').put((byte)'\n');

        return this;
    }

    /**
     * Writes a field whose name and value are bytes in memory, such as a worker's response frame in the segment.
     * The bytes are copied first and checked in the copy: memory another process can write may change between
     * a check and a second read, and a CR LF slipped in after the check would split the response.
     *
     * @throws InvalidHeaderException when the name is not a token, is one the CM writes, or the value holds a
     *                                forbidden byte.
     */
    public ResponseHeadWriter header(
        final SharedBuffer segment,
        final long nameOffset,
        final int nameLength,
        final long valueOffset,
        final int valueLength)
    {
        final ByteBuffer buffer = checkBegun();
        if (nameLength < 0 || valueLength < 0)
        {
            throw new IllegalArgumentException(
                "lengths must not be negative: nameLength=" + nameLength + ", valueLength=" + valueLength);
        }

        reserve(buffer, nameLength + valueLength + 4);
        final int nameAt = buffer.position();
        for (int i = 0; i < nameLength; i++)
        {
            buffer.put(segment.getByte(nameOffset + i));
        }
        buffer.put((byte)':').put((byte)' ');
        final int valueAt = buffer.position();
        for (int i = 0; i < valueLength; i++)
        {
            buffer.put(segment.getByte(valueOffset + i));
        }
        buffer.put((byte)'\r').put((byte)'\n');

        try
        {
            checkName(buffer, nameAt, nameLength);
            for (int i = 0; i < valueLength; i++)
            {
                final char c = (char)(buffer.get(valueAt + i) & 0xFF);
                if (!isValueChar(c))
                {
                    throw forbiddenValueChar(bufferText(buffer, nameAt, nameLength), i, c);
                }
            }
        }
        catch (final InvalidHeaderException ex)
        {
            buffer.position(nameAt);
            throw ex;
        }

        return this;
    }

    /**
     * Writes {@code Content-Length}: the body that follows has exactly {@code length} bytes (for a HEAD request:
     * would have).
     */
    public ResponseHeadWriter contentLength(final long length)
    {
        final ByteBuffer buffer = checkBegun();
        if (length < 0)
        {
            throw new IllegalArgumentException("length must not be negative: length=" + length);
        }
        checkFraming("Content-Length", status == HttpStatus.NO_CONTENT);

        final int digits = digits(length);
        reserve(buffer, CONTENT_LENGTH_NAME.length + digits + 2);
        buffer.put(CONTENT_LENGTH_NAME);
        final int position = buffer.position();
        long value = length;
        for (int i = position + digits - 1; i >= position; i--)
        {
            buffer.put(i, (byte)('0' + value % 10));
            value /= 10;
        }
        buffer.position(position + digits);
        buffer.put((byte)'\r').put((byte)'\n');
        framed = true;

        return this;
    }

    /**
     * Writes {@code Transfer-Encoding: chunked}: the body follows in chunks ({@link ChunkedEncoder}). Only for an
     * HTTP/1.1 client.
     */
    public ResponseHeadWriter chunked()
    {
        final ByteBuffer buffer = checkBegun();
        checkFraming("Transfer-Encoding", status == HttpStatus.NO_CONTENT || status == HttpStatus.NOT_MODIFIED);
        reserve(buffer, CHUNKED_LINE.length);
        buffer.put(CHUNKED_LINE);
        framed = true;

        return this;
    }

    /**
     * Writes {@code Connection: close}: the CM closes the connection after this response.
     */
    public ResponseHeadWriter connectionClose()
    {
        return connection(CLOSE_LINE);
    }

    /**
     * Writes {@code Connection: keep-alive}: needed only by an HTTP/1.0 client that asked to keep the connection.
     */
    public ResponseHeadWriter connectionKeepAlive()
    {
        return connection(KEEP_ALIVE_LINE);
    }

    /**
     * Ends the head with its empty line.
     *
     * @return bytes of the whole head, from the position {@link #begin} found.
     */
    public int end()
    {
        final ByteBuffer buffer = checkBegun();
        reserve(buffer, 2);
        buffer.put((byte)'\r').put((byte)'\n');
        this.buffer = null;

        return buffer.position() - start;
    }

    private ResponseHeadWriter connection(final byte[] line)
    {
        final ByteBuffer buffer = checkBegun();
        if (connectionWritten)
        {
            throw new IllegalStateException("Connection already written for this response");
        }
        reserve(buffer, line.length);
        buffer.put(line);
        connectionWritten = true;

        return this;
    }

    private void checkFraming(final String field, final boolean forbiddenByStatus)
    {
        if (framed)
        {
            throw new IllegalStateException("response already framed, " + field + " would be a second framing field");
        }
        if (forbiddenByStatus)
        {
            throw new IllegalStateException(field + " not allowed on this status: status=" + status);
        }
    }

    private ByteBuffer checkBegun()
    {
        final ByteBuffer buffer = this.buffer;
        if (buffer == null)
        {
            throw new IllegalStateException("no head in progress: begin() first");
        }

        return buffer;
    }

    private static void checkName(final CharSequence name, final int nameLength)
    {
        if (nameLength == 0)
        {
            throw new InvalidHeaderException("header name is empty");
        }
        for (int i = 0; i < nameLength; i++)
        {
            final char c = name.charAt(i);
            if (c > 0xFF || !isTchar(c))
            {
                throw notAToken(i, c, nameLength);
            }
        }
        for (final String reserved : RESERVED_NAMES)
        {
            if (nameLength == reserved.length() && regionEqualsIgnoreCase(name, reserved))
            {
                throw reservedName(name);
            }
        }
    }

    private static void checkName(final ByteBuffer buffer, final int offset, final int nameLength)
    {
        if (nameLength == 0)
        {
            throw new InvalidHeaderException("header name is empty");
        }
        for (int i = 0; i < nameLength; i++)
        {
            final char c = (char)(buffer.get(offset + i) & 0xFF);
            if (!isTchar(c))
            {
                throw notAToken(i, c, nameLength);
            }
        }
        for (final String reserved : RESERVED_NAMES)
        {
            if (nameLength == reserved.length() && regionEqualsIgnoreCase(buffer, offset, reserved))
            {
                throw reservedName(bufferText(buffer, offset, nameLength));
            }
        }
    }

    private static boolean isValueChar(final char c)
    {
        return c <= 0xFF && (isFieldVchar(c) || c == ' ' || c == HTAB);
    }

    private static boolean regionEqualsIgnoreCase(final CharSequence name, final String lowerCase)
    {
        for (int i = 0; i < lowerCase.length(); i++)
        {
            if (HttpChars.toLowerCase(name.charAt(i)) != lowerCase.charAt(i))
            {
                return false;
            }
        }

        return true;
    }

    private static boolean regionEqualsIgnoreCase(final ByteBuffer buffer, final int offset, final String lowerCase)
    {
        for (int i = 0; i < lowerCase.length(); i++)
        {
            if (HttpChars.toLowerCase(buffer.get(offset + i) & 0xFF) != lowerCase.charAt(i))
            {
                return false;
            }
        }

        return true;
    }

    private static InvalidHeaderException notAToken(final int index, final char c, final int nameLength)
    {
        // The name is not printed: it may hold the very bytes an injection attempt wanted in a log.
        return new InvalidHeaderException(
            "header name is not a token: index=" + index + ", char=" + hex(c) + ", nameLength=" + nameLength);
    }

    private static InvalidHeaderException reservedName(final CharSequence name)
    {
        return new InvalidHeaderException("header is written by the CM, not by the application: name=" + name);
    }

    private static InvalidHeaderException forbiddenValueChar(final CharSequence name, final int index, final char c)
    {
        // The name is a valid token by now; the value is not printed, it may be a credential.
        return new InvalidHeaderException(
            "header value holds a forbidden character: name=" + name + ", index=" + index + ", char=" + hex(c));
    }

    private static String bufferText(final ByteBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.get(offset, bytes, 0, length);

        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String hex(final char c)
    {
        return String.format("0x%02x", (int)c);
    }

    private static int digits(final long value)
    {
        long bound = 10;
        for (int digits = 1; digits < MAX_LONG_DIGITS; digits++)
        {
            if (value < bound)
            {
                return digits;
            }
            bound *= 10;
        }

        return MAX_LONG_DIGITS;
    }

    private static void reserve(final ByteBuffer buffer, final int length)
    {
        if (buffer.remaining() < length)
        {
            throw new BufferOverflowException();
        }
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
