package io.switchboard.bench.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The demo application's two URLs as a Jetty core handler, so that the baseline does the same work as the
 * Switchboard demo application behind the CM:
 * <pre>
 *   GET /hello         200, Content-Type: text/plain, Content-Length: 13, body "Hello, world!"
 *   GET /bytes?n=N     200, Content-Type: application/octet-stream, Content-Length: N, N bytes of 'x'
 *                      (0 &lt;= N &lt;= {@link #MAX_BYTES}; /bytes?n=16384 is the benchmark's 16-KiB case)
 * </pre>
 * {@code HEAD} is answered like {@code GET} without a body; another method gets {@code 405}, a missing or bad
 * {@code n} gets {@code 400}, another path gets the server's {@code 404}.
 * <p>
 * Every body is a view of a direct buffer made once, written with one last write whose callback completes
 * the request: nothing is copied on the heap, nothing waits. Because it never blocks, the handler is
 * declared {@link Handler.Abstract.NonBlocking}, which lets Jetty run it on the selector thread that read the
 * request instead of handing it to a pool thread (Jetty's fastest mode for such a handler, so the baseline is
 * Jetty at its best, not a straw man).
 * <p>
 * Thread-safe: it holds no mutable state; each request gets its own view of the shared, read-only buffers.
 */
public final class HelloBytesHandler extends Handler.Abstract.NonBlocking
{
    /**
     * The largest {@code n} that {@code /bytes} serves.
     */
    public static final int MAX_BYTES = 1 << 20;

    private static final String HELLO_TEXT = "Hello, world!";
    private static final ByteBuffer HELLO_BODY = readOnlyDirect(HELLO_TEXT.getBytes(StandardCharsets.US_ASCII));
    private static final ByteBuffer BYTES_BODY = readOnlyDirect(filled(MAX_BYTES, (byte)'x'));

    private static final HttpField TEXT_PLAIN = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain");
    private static final HttpField OCTET_STREAM =
        new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/octet-stream");
    private static final HttpField HELLO_LENGTH =
        new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, HELLO_BODY.remaining());
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean handle(final Request request, final Response response, final Callback callback)
    {
        final String path = request.getHttpURI().getPath();
        final boolean hello = "/hello".equals(path);
        if (!hello && !"/bytes".equals(path))
        {
            return false;
        }

        final String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method))
        {
            response.getHeaders().put(ALLOW);
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }

        final HttpFields.Mutable headers = response.getHeaders();
        if (hello)
        {
            headers.put(TEXT_PLAIN);
            headers.put(HELLO_LENGTH);
            response.write(true, HELLO_BODY.slice(), callback);
            return true;
        }

        final int length = byteCount(request.getHttpURI().getQuery());
        if (length < 0)
        {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
                "n must be an integer in [0, " + MAX_BYTES + "]");
            return true;
        }
        headers.put(OCTET_STREAM);
        headers.put(HttpHeader.CONTENT_LENGTH, length);
        response.write(true, BYTES_BODY.slice(0, length), callback);
        return true;
    }

    /**
     * The value of the {@code n} parameter of a query such as {@code n=16384} or {@code a=b&n=16384}.
     *
     * @param query the raw query, or null when the target has none.
     * @return n, or -1 when n is missing, not a plain decimal, or outside [0, {@link #MAX_BYTES}].
     */
    static int byteCount(final String query)
    {
        if (query == null)
        {
            return -1;
        }
        int start = 0;
        while (start <= query.length())
        {
            int end = query.indexOf('&', start);
            if (end < 0)
            {
                end = query.length();
            }
            if (end - start > 2 && query.charAt(start) == 'n' && query.charAt(start + 1) == '=')
            {
                return boundedDecimal(query, start + 2, end);
            }
            start = end + 1;
        }
        return -1;
    }

    private static int boundedDecimal(final String text, final int start, final int end)
    {
        long value = 0;
        for (int i = start; i < end; i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
            if (value > MAX_BYTES)
            {
                return -1;
            }
        }
        return (int)value;
    }

    private static byte[] filled(final int length, final byte value)
    {
        final byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    private static ByteBuffer readOnlyDirect(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer.asReadOnlyBuffer();
    }
}
