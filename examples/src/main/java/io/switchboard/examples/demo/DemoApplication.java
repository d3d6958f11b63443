package io.switchboard.examples.demo;

import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The demo application, {@code demo}:
 * <ul>
 *     <li>{@code GET /hello}: {@code Hello, world!}</li>
 *     <li>{@code POST /echo}: the request body, streamed back as it arrives (any size)</li>
 *     <li>{@code GET /bytes?n=N}: N bytes, streamed</li>
 *     <li>{@code GET /sleep?ms=M}: answers after M milliseconds</li>
 *     <li>{@code GET /whoami}: the serving worker's pid, in decimal</li>
 *     <li>{@code GET /client}: who the request came from, as the worker sees it: the remote address and port,
 *     the client address behind trusted proxies, the request id, and the forwarding fields, one per line</li>
 * </ul>
 */
public final class DemoApplication implements HttpApplication
{
    private static final byte[] HELLO = "Hello, world!".getBytes(StandardCharsets.US_ASCII);
    private static final int STREAM_CHUNK = 64 * 1024;
    /** What /bytes streams, made once: 'a' + i % 26, repeated every STREAM_CHUNK bytes. */
    private static final byte[] PATTERN = pattern();
    private static final long MAX_BYTES = 1L << 40;
    private static final long MAX_SLEEP_MS = 600_000;

    public String name()
    {
        return "demo";
    }

    /**
     * {@inheritDoc}
     *
     * @return true for /hello, /whoami and /bytes up to 64 KiB: answered from memory, without waiting.
     */
    public boolean isNonBlocking(final HttpRequest request)
    {
        return switch (request.path())
        {
            case "/hello", "/whoami", "/client" -> true;
            case "/bytes" ->
            {
                final long n = parse(request.queryParameter("n"), MAX_BYTES);
                yield n >= 0 && n <= STREAM_CHUNK;
            }
            default -> false;
        };
    }

    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        switch (request.path())
        {
            case "/hello" -> text(response, 200, HELLO);
            case "/echo" -> echo(request, response);
            case "/bytes" -> bytes(request, response);
            case "/sleep" -> sleep(request, response);
            case "/whoami" -> text(response, 200,
                Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII));
            case "/client" -> text(response, 200, client(request).getBytes(StandardCharsets.ISO_8859_1));
            default -> text(response, 404, "Not Found\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * <pre>
     *   remote: 127.0.0.1 41234
     *   client: 127.0.0.1
     *   request-id: 3q2-7wAAAAAAAAAAAAAAAB
     *   X-Forwarded-For: 127.0.0.1
     *   Forwarded: for=127.0.0.1
     * </pre>
     * The address as {@link java.net.InetAddress#getHostAddress()} writes it; the fields as received, in order.
     */
    private static String client(final HttpRequest request)
    {
        final java.net.InetSocketAddress remote = request.remoteAddress();
        final StringBuilder text = new StringBuilder()
            .append("remote: ").append(remote == null ? "unknown" : remote.getAddress().getHostAddress())
            .append(' ').append(request.remotePort()).append('\n')
            .append("client: ").append(request.clientAddress() == null ? "unknown" : request.clientAddress().getHostAddress())
            .append('\n')
            .append("request-id: ").append(request.requestId()).append('\n');
        for (final io.switchboard.protocol.http.HttpHeader header : request.headers())
        {
            final String name = header.name();
            if (name.equalsIgnoreCase("X-Forwarded-For") || name.equalsIgnoreCase("Forwarded") ||
                name.equalsIgnoreCase("X-Real-IP"))
            {
                text.append(name).append(": ").append(header.value()).append('\n');
            }
        }
        return text.toString();
    }

    private static void echo(final HttpRequest request, final HttpResponse response) throws IOException
    {
        if (!"POST".equals(request.method()) && !"PUT".equals(request.method()))
        {
            text(response, 405, "POST a body to /echo\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }

        response.header("Content-Type", "application/octet-stream");
        if (request.contentLength() >= 0)
        {
            response.contentLength(request.contentLength());
        }

        final byte[] buffer = new byte[STREAM_CHUNK];
        final InputStream body = request.body();
        int n;
        while ((n = body.read(buffer, 0, buffer.length)) >= 0)
        {
            response.write(buffer, 0, n);
        }
        response.end();
    }

    private static void bytes(final HttpRequest request, final HttpResponse response) throws IOException
    {
        final long n = parse(request.queryParameter("n"), MAX_BYTES);
        if (n < 0)
        {
            text(response, 400, "n must be a number of bytes\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }

        final byte[] chunk = PATTERN;
        response.header("Content-Type", "application/octet-stream").contentLength(n);
        long remaining = n;
        while (remaining > 0 && !request.isCancelled())
        {
            final int length = (int)Math.min(remaining, chunk.length);
            response.write(chunk, 0, length);
            remaining -= length;
        }
        response.end();
    }

    private static void sleep(final HttpRequest request, final HttpResponse response) throws Exception
    {
        final long ms = parse(request.queryParameter("ms"), MAX_SLEEP_MS);
        if (ms < 0)
        {
            text(response, 400, "ms must be a number of milliseconds\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }

        final long deadlineNs = System.nanoTime() + ms * 1_000_000L;
        while (!request.isCancelled() && deadlineNs - System.nanoTime() > 0)
        {
            Thread.sleep(Math.min(50, Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000L)));
        }
        text(response, 200, ("slept " + ms + " ms\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void text(final HttpResponse response, final int status, final byte[] body) throws IOException
    {
        response.status(status).header("Content-Type", "text/plain");
        response.send(body);
    }

    private static byte[] pattern()
    {
        final byte[] chunk = new byte[STREAM_CHUNK];
        for (int i = 0; i < chunk.length; i++)
        {
            chunk[i] = (byte)('a' + i % 26);
        }
        return chunk;
    }

    private static long parse(final String value, final long max)
    {
        if (value == null || value.isEmpty() || value.length() > 19)
        {
            return -1;
        }
        for (int i = 0; i < value.length(); i++)
        {
            if (value.charAt(i) < '0' || value.charAt(i) > '9')
            {
                return -1;
            }
        }
        final long n = Long.parseLong(value);
        return n <= max ? n : -1;
    }
}
