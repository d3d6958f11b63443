package io.switchboard.tests.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A client connection on a plain {@link Socket}: the test writes exactly the
 * bytes it means (malformed ones included) and reads the response strictly,
 * CRLF by CRLF. Every read is bounded by the socket's read timeout.
 */
final class RawHttp implements AutoCloseable
{
    static final int READ_TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(final int port) throws IOException
    {
        this(port, READ_TIMEOUT_MS);
    }

    RawHttp(final int port, final int readTimeoutMs) throws IOException
    {
        this(port, readTimeoutMs, 0);
    }

    /**
     * @param receiveBufferBytes the socket's receive buffer, set before connecting; 0 for the system's default.
     */
    RawHttp(final int port, final int readTimeoutMs, final int receiveBufferBytes) throws IOException
    {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        if (receiveBufferBytes > 0)
        {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(readTimeoutMs);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    /**
     * Connects from {@code local} (an address of this machine, any port) to {@code server}: a test that needs the
     * CM to see a given peer, e.g. 127.0.0.2, which Linux routes over loopback like 127.0.0.1.
     */
    RawHttp(final InetSocketAddress server, final java.net.InetAddress local) throws IOException
    {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.bind(new InetSocketAddress(local, 0));
        socket.connect(server, 5_000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String get(final String target)
    {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    RawHttp send(final String text) throws IOException
    {
        return send(ascii(text));
    }

    RawHttp send(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
        return this;
    }

    Socket socket()
    {
        return socket;
    }

    InputStream input()
    {
        return in;
    }

    /**
     * Reads one response to a request of any method but HEAD.
     */
    Response read() throws IOException
    {
        return read(false);
    }

    /**
     * Reads one response: the head, then the body as its framing says (none for HEAD, 1xx, 204, 304).
     */
    Response read(final boolean headRequest) throws IOException
    {
        final Response head = readHead();
        final String statusLine = head.statusLine();
        final int status = head.status();
        final List<String[]> headers = head.headers();
        if (headRequest || status < 200 || status == 204 || status == 304)
        {
            return head;
        }

        final String transferEncoding = head.header("transfer-encoding");
        final String contentLength = head.header("content-length");
        if (transferEncoding != null)
        {
            if (!"chunked".equalsIgnoreCase(transferEncoding))
            {
                throw new IOException("unexpected Transfer-Encoding: " + transferEncoding);
            }
            return readChunked(head);
        }
        if (contentLength != null)
        {
            final byte[] body = in.readNBytes(Integer.parseInt(contentLength));
            if (body.length != Integer.parseInt(contentLength))
            {
                throw new EOFException("body ended after " + body.length + " of " + contentLength + " bytes");
            }
            return new Response(statusLine, status, headers, body, List.of(), true);
        }
        // no framing: the body runs to the end of the connection
        return new Response(statusLine, status, headers, in.readAllBytes(), List.of(), true);
    }

    /**
     * Reads a status line and the header fields; the body, if any, is left in {@link #input()}.
     */
    Response readHead() throws IOException
    {
        final String statusLine = readLine();
        final String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1."))
        {
            throw new IOException("not a status line: " + statusLine);
        }
        final int status = Integer.parseInt(parts[1]);
        return new Response(statusLine, status, readFields(), new byte[0], List.of(), true);
    }

    private Response readChunked(final Response head) throws IOException
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true)
        {
            final String sizeLine;
            try
            {
                sizeLine = readLine();
            }
            catch (final EOFException ex)
            {
                // the connection ended inside the chunked body: what came is returned, marked incomplete
                return new Response(head.statusLine(), head.status(), head.headers(), body.toByteArray(), List.of(), false);
            }
            final int semicolon = sizeLine.indexOf(';');
            final int size = Integer.parseInt(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon), 16);
            if (size == 0)
            {
                final List<String[]> trailers = readFields();
                return new Response(head.statusLine(), head.status(), head.headers(), body.toByteArray(), trailers, true);
            }
            final byte[] data = in.readNBytes(size);
            body.write(data);
            if (data.length != size)
            {
                return new Response(head.statusLine(), head.status(), head.headers(), body.toByteArray(), List.of(), false);
            }
            final String end = readLine();
            if (!end.isEmpty())
            {
                throw new IOException("chunk data not followed by CRLF");
            }
        }
    }

    private List<String[]> readFields() throws IOException
    {
        final List<String[]> fields = new ArrayList<>();
        String line;
        while (!(line = readLine()).isEmpty())
        {
            final int colon = line.indexOf(':');
            if (colon <= 0)
            {
                throw new IOException("not a header field: " + line);
            }
            fields.add(new String[]{line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip()});
        }
        return fields;
    }

    /**
     * @return a line without its CRLF; a bare LF or CR is an error.
     */
    String readLine() throws IOException
    {
        final StringBuilder line = new StringBuilder();
        while (true)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new EOFException("connection ended" + (line.isEmpty() ? "" : " inside the line: " + line));
            }
            if (b == '\r')
            {
                if (in.read() != '\n')
                {
                    throw new IOException("CR without LF after: " + line);
                }
                return line.toString();
            }
            if (b == '\n')
            {
                throw new IOException("bare LF after: " + line);
            }
            line.append((char)b);
        }
    }

    /**
     * Waits, within the read timeout, for the server to end the connection.
     *
     * @return true when the server closed it (end of stream or a reset); false when bytes came instead.
     * @throws SocketTimeoutException when the server kept it open.
     */
    boolean awaitClosedByServer() throws IOException
    {
        try
        {
            return in.read() < 0;
        }
        catch (final SocketTimeoutException ex)
        {
            throw ex;
        }
        catch (final SocketException ex)
        {
            // a reset counts as closed
            return true;
        }
    }

    public void close() throws IOException
    {
        socket.close();
    }

    /**
     * A response as read off the wire.
     *
     * @param headers  lower-case name and value, in order.
     * @param complete false when the connection ended inside a chunked body.
     */
    record Response(String statusLine, int status, List<String[]> headers, byte[] body, List<String[]> trailers,
        boolean complete)
    {
        String header(final String lowerCaseName)
        {
            for (final String[] header : headers)
            {
                if (header[0].equals(lowerCaseName))
                {
                    return header[1];
                }
            }
            return null;
        }

        int count(final String lowerCaseName)
        {
            int count = 0;
            for (final String[] header : headers)
            {
                if (header[0].equals(lowerCaseName))
                {
                    count++;
                }
            }
            return count;
        }

        boolean closes()
        {
            final String connection = header("connection");
            return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
        }

        String text()
        {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }
}
