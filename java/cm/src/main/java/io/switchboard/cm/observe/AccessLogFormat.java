package io.switchboard.cm.observe;

import io.switchboard.cm.http.HttpMethod;

/**
 * The two line formats of the access log ({@code --access-log-format}), written from a {@link RequestEvent}
 * into a {@link LineBuffer} on the handler thread, allocating nothing.
 * <p>
 * <b>combined</b> (as Apache's and nginx's "combined"):
 * <pre>
 * 127.0.0.1 - - [02/Dec/2026:15:53:24 +0000] "GET /hello?x=1 HTTP/1.1" 200 13 "-" "curl/8.5.0"
 * </pre>
 * Bytes of the request line, referer and user agent outside printable ASCII, and {@code "} and {@code \}, are
 * written as {@code \xHH}; a target cut at 1 KiB ends with {@code ...}; an unknown request line is
 * {@code "-"}. The byte count is the whole response, head included (nginx's {@code $bytes_sent}).
 * <p>
 * <b>json</b>: one JSON object a line, with the same facts and the request id, worker slot, application,
 * duration, queue wait and bytes received; absent values are {@code null}; strings carry the client's bytes
 * read as ISO-8859-1, with {@code "}, {@code \}, control bytes and bytes above 0x7E escaped <code>&#92;u00HH</code>:
 * <pre>
 * {"time":"2026-12-02T15:53:24.123Z","client":"127.0.0.1","client_port":51234,"request_id":null,
 *  "method":"GET","target":"/hello","protocol":"HTTP/1.1","status":200,"bytes_sent":141,
 *  "bytes_received":78,"duration_us":412,"queue_wait_us":0,"worker":0,"application":"demo",
 *  "referer":null,"user_agent":"curl/8.5.0","target_truncated":false}
 * </pre>
 */
public enum AccessLogFormat
{
    COMBINED
    {
        void write(final RequestEvent event, final LogClock clock, final LineBuffer line)
        {
            address(event, line);
            line.ascii(" - - [");
            clock.combined(event.epochMs, line);
            line.ascii("] \"");
            if (event.methodLength == 0)
            {
                line.append('-');
            }
            else
            {
                escapedCombined(event.method, event.methodLength, line);
                line.append(' ');
                escapedCombined(event.target, event.targetLength, line);
                if (event.targetTruncated)
                {
                    line.ascii("...");
                }
                if (event.versionMinor >= 0)
                {
                    line.ascii(" HTTP/1.").number(event.versionMinor);
                }
            }
            line.ascii("\" ").number(event.status).append(' ').number(event.sentBytes).ascii(" \"");
            fieldCombined(event.referer, event.refererLength, line);
            line.ascii("\" \"");
            fieldCombined(event.userAgent, event.userAgentLength, line);
            line.ascii("\"\n");
        }
    },
    JSON
    {
        void write(final RequestEvent event, final LogClock clock, final LineBuffer line)
        {
            line.ascii("{\"time\":\"");
            clock.iso(event.epochMs, line);
            line.ascii("\",\"client\":");
            if (event.clientAddressLength == 0)
            {
                line.ascii("null");
            }
            else
            {
                line.append('"');
                address(event, line);
                line.append('"');
            }
            line.ascii(",\"client_port\":").number(event.clientPort);
            line.ascii(",\"request_id\":");
            jsonString(event.requestId, event.requestIdLength, line);
            line.ascii(",\"method\":");
            jsonString(event.method, event.methodLength, line);
            line.ascii(",\"target\":");
            if (event.methodLength == 0 && event.targetLength == 0)
            {
                line.ascii("null");
            }
            else
            {
                jsonString(event.target, event.targetLength, line);
            }
            line.ascii(",\"protocol\":");
            if (event.versionMinor >= 0)
            {
                line.ascii("\"HTTP/1.").number(event.versionMinor).append('"');
            }
            else
            {
                line.ascii("null");
            }
            line.ascii(",\"status\":").number(event.status)
                .ascii(",\"bytes_sent\":").number(event.sentBytes)
                .ascii(",\"bytes_received\":").number(event.receivedBytes)
                .ascii(",\"duration_us\":").number(event.durationNs / 1_000)
                .ascii(",\"queue_wait_us\":");
            if (event.queueWaitNs < 0)
            {
                line.ascii("null");
            }
            else
            {
                line.number(event.queueWaitNs / 1_000);
            }
            line.ascii(",\"worker\":");
            if (event.workerSlot < 0)
            {
                line.ascii("null");
            }
            else
            {
                line.number(event.workerSlot);
            }
            line.ascii(",\"application\":");
            if (event.application == null)
            {
                line.ascii("null");
            }
            else
            {
                line.append('"');
                final String application = event.application;
                for (int i = 0; i < application.length(); i++)
                {
                    jsonChar(application.charAt(i) & 0xFF, line);
                }
                line.append('"');
            }
            line.ascii(",\"referer\":");
            jsonString(event.referer, event.refererLength, line);
            line.ascii(",\"user_agent\":");
            jsonString(event.userAgent, event.userAgentLength, line);
            line.ascii(",\"target_truncated\":").ascii(event.targetTruncated ? "true" : "false");
            line.ascii("}\n");
        }
    };

    private static final HttpMethod[] METHODS = HttpMethod.values();
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Appends the event's line, newline included.
     */
    abstract void write(RequestEvent event, LogClock clock, LineBuffer line);

    /**
     * @return the format named {@code combined} or {@code json} (any case).
     * @throws IllegalArgumentException naming the accepted values.
     */
    public static AccessLogFormat parse(final String name)
    {
        for (final AccessLogFormat format : values())
        {
            if (format.name().equalsIgnoreCase(name))
            {
                return format;
            }
        }
        throw new IllegalArgumentException("--access-log-format=" + name + ": expected combined or json");
    }

    /**
     * @return the method's name for a metric label: the known ones, "OTHER", or "-" when unknown.
     */
    static String methodLabel(final int ordinal)
    {
        return ordinal < 0 ? "-" : METHODS[ordinal].name();
    }

    static void address(final RequestEvent event, final LineBuffer line)
    {
        final byte[] a = event.clientAddress;
        if (event.clientAddressLength == 4)
        {
            line.number(a[0] & 0xFF).append('.').number(a[1] & 0xFF).append('.')
                .number(a[2] & 0xFF).append('.').number(a[3] & 0xFF);
        }
        else if (event.clientAddressLength == 16)
        {
            // full form, no zero compression: unambiguous and cheap
            for (int i = 0; i < 16; i += 2)
            {
                if (i > 0)
                {
                    line.append(':');
                }
                final int group = ((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF);
                hexGroup(group, line);
            }
        }
        else
        {
            line.append('-');
        }
    }

    private static void hexGroup(final int group, final LineBuffer line)
    {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            final int digit = (group >> shift) & 0xF;
            if (digit != 0 || started || shift == 0)
            {
                line.append((byte)"0123456789abcdef".charAt(digit));
                started = true;
            }
        }
    }

    private static void fieldCombined(final byte[] bytes, final int length, final LineBuffer line)
    {
        if (length == 0)
        {
            line.append('-');
            return;
        }
        escapedCombined(bytes, length, line);
    }

    static void escapedCombined(final byte[] bytes, final int length, final LineBuffer line)
    {
        // room for the worst case (every byte escaped as \xHH) once per field, then straight into the array
        line.reserve(4 * length);
        final byte[] out = line.array();
        int at = line.length();
        for (int i = 0; i < length; i++)
        {
            final int b = bytes[i] & 0xFF;
            if (b < 0x20 || b > 0x7E || b == '"' || b == '\\')
            {
                out[at++] = '\\';
                out[at++] = 'x';
                out[at++] = HEX[b >> 4];
                out[at++] = HEX[b & 0xF];
            }
            else
            {
                out[at++] = (byte)b;
            }
        }
        line.advance(at - line.length());
    }

    private static void jsonString(final byte[] bytes, final int length, final LineBuffer line)
    {
        if (length == 0)
        {
            line.ascii("null");
            return;
        }
        // room for the worst case (every byte escaped as a six-byte unicode escape) and the quotes, once per field
        line.reserve(6 * length + 2);
        final byte[] out = line.array();
        int at = line.length();
        out[at++] = '"';
        for (int i = 0; i < length; i++)
        {
            final int b = bytes[i] & 0xFF;
            if (b == '"' || b == '\\')
            {
                out[at++] = '\\';
                out[at++] = (byte)b;
            }
            else if (b < 0x20 || b > 0x7E)
            {
                out[at++] = '\\';
                out[at++] = 'u';
                out[at++] = '0';
                out[at++] = '0';
                out[at++] = HEX[b >> 4];
                out[at++] = HEX[b & 0xF];
            }
            else
            {
                out[at++] = (byte)b;
            }
        }
        out[at++] = '"';
        line.advance(at - line.length());
    }

    private static void jsonChar(final int b, final LineBuffer line)
    {
        if (b == '"' || b == '\\')
        {
            line.append('\\').append((byte)b);
        }
        else if (b < 0x20 || b > 0x7E)
        {
            line.ascii("\\u00").hex(b);
        }
        else
        {
            line.append((byte)b);
        }
    }
}
