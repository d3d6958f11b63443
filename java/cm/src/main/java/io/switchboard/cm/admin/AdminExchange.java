package io.switchboard.cm.admin;

import io.switchboard.cm.http.BodyFraming;
import io.switchboard.cm.http.HttpDate;
import io.switchboard.cm.http.HttpException;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.http.HttpMethod;
import io.switchboard.cm.http.HttpStatus;
import io.switchboard.cm.http.RequestHead;
import io.switchboard.cm.http.RequestHeadParser;
import io.switchboard.cm.http.ResponseHeadWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

/**
 * One admin connection, one request: reads the head and any body before a
 * deadline, lets the {@link AdminRequestGuard} refuse it, has the
 * {@link AdminEndpoints} serve it, writes the answer and closes. No keep-alive:
 * an operator's tool sends one request now and then.
 * <p>
 * The head is parsed by the client listener's own strict parser, with tighter
 * limits (an admin request is a request line and a few fields). A client that
 * has not sent its whole request by the deadline gets 408; one that sent
 * nothing at all is closed without an answer, as an idle client connection is.
 * <p>
 * Runs on its own thread, which it blocks; not thread-safe.
 */
final class AdminExchange
{
    /** 4 KiB request line, 16 KiB head, 64 fields, 64 KiB body: no admin request comes near these. */
    static final HttpLimits LIMITS = new HttpLimits(4 * 1024, 16 * 1024, 64, 8, 64 * 1024, 1024, 0);

    private static final Logger LOG = LoggerFactory.getLogger(AdminExchange.class);
    private static final int READ_BUFFER_LENGTH = 4 * 1024;
    /** Room for the status line, Date, Server, the fields below, Content-Type, Allow, Content-Length and Connection. */
    private static final int HEAD_ROOM = 1024;
    /**
     * On every answer, the status page's included: nothing from elsewhere, no inline script or style (so no
     * injected markup could run), fetches to this listener only, never framed.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; " +
        "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Socket socket;
    private final long deadlineNs;
    private final long timeoutMs;
    private final AdminRequestGuard guard;
    private final AdminEndpoints endpoints;
    private final RequestHeadParser parser = new RequestHeadParser(LIMITS, 1024);

    /**
     * @param deadlineNs when the whole request must have arrived, {@link System#nanoTime()} time.
     * @param timeoutMs  the timeout that deadline came from, for the messages.
     */
    AdminExchange(
        final Socket socket,
        final long deadlineNs,
        final long timeoutMs,
        final AdminRequestGuard guard,
        final AdminEndpoints endpoints)
    {
        this.socket = socket;
        this.deadlineNs = deadlineNs;
        this.timeoutMs = timeoutMs;
        this.guard = guard;
        this.endpoints = endpoints;
    }

    /**
     * Serves the connection's request; leaves closing the socket to the caller.
     */
    void run()
    {
        try
        {
            final AdminResponse response = readAndServe(socket.getInputStream());
            if (response != null)
            {
                write(socket.getOutputStream(), response, parser.isDone() && parser.head().method() == HttpMethod.HEAD);
                socket.shutdownOutput();
            }
        }
        catch (final IOException ex)
        {
            LOG.debug("admin connection from {} failed: {}", socket.getRemoteSocketAddress(), ex.toString());
        }
    }

    /**
     * @return the answer, or null when there is none to give (the peer left, or never said anything).
     */
    private AdminResponse readAndServe(final InputStream in) throws IOException
    {
        final byte[] bytes = new byte[READ_BUFFER_LENGTH];
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).limit(0);
        try
        {
            while (!parser.parse(buffer))
            {
                final int read = read(in, bytes);
                if (read < 0)
                {
                    return null;
                }
                buffer.clear().limit(read);
            }

            final RequestHead head = parser.head();
            final AdminResponse refusal = guard.refusal(head);
            if (refusal != null)
            {
                LOG.warn("admin request {} {} from {} refused with {}: Host {}, Origin {}, Sec-Fetch-Site {}",
                    head.methodName(), head.path(), socket.getRemoteSocketAddress(), refusal.status(), head.host(),
                    field(head, "origin"), field(head, "sec-fetch-site"));
                // with "Expect: 100-continue" the body is still with the client, and the refusal keeps it there
                if (!head.expectContinue() && !skipBody(in, head, buffer))
                {
                    return null;
                }
                return refusal;
            }
            if (!skipBody(in, head, buffer))
            {
                return null;
            }

            return endpoints.serve(head.method(), head.path(), socket.getRemoteSocketAddress());
        }
        catch (final HttpException ex)
        {
            LOG.debug("admin request from {} refused with {}: {}", socket.getRemoteSocketAddress(), ex.status(),
                ex.reason());
            return AdminResponse.text(ex.status(), ex.reason() + "\n");
        }
        catch (final SocketTimeoutException ex)
        {
            if (parser.isIdle())
            {
                LOG.debug("admin connection from {} sent nothing within {} ms: closed",
                    socket.getRemoteSocketAddress(), timeoutMs);
                return null;
            }
            LOG.debug("admin connection from {} did not send its whole request within {} ms: 408",
                socket.getRemoteSocketAddress(), timeoutMs);
            return AdminResponse.text(HttpStatus.REQUEST_TIMEOUT,
                "the whole admin request must arrive within " + timeoutMs + " ms (--admin-timeout-ms)\n");
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("admin request from {} failed", socket.getRemoteSocketAddress(), ex);
            return AdminResponse.text(HttpStatus.INTERNAL_SERVER_ERROR, "the admin request failed; see the CM's log\n");
        }
    }

    /**
     * Reads the body and drops it: no admin endpoint takes one, but a client that sent one expects it read.
     *
     * @param buffer the bytes read after the head.
     * @return false when the peer closed before the body was complete.
     */
    private boolean skipBody(final InputStream in, final RequestHead head, final ByteBuffer buffer) throws IOException
    {
        if (head.bodyFraming() == BodyFraming.CHUNKED)
        {
            throw new HttpException(411, "an admin request takes no chunked body");
        }
        long remaining = head.contentLength() - buffer.remaining();
        if (remaining > 0 && head.expectContinue())
        {
            final ByteBuffer interim = ByteBuffer.allocate(32);
            final int length = ResponseHeadWriter.putContinue(interim);
            socket.getOutputStream().write(interim.array(), 0, length);
        }
        final byte[] bytes = buffer.array();
        while (remaining > 0)
        {
            final int read = read(in, bytes);
            if (read < 0)
            {
                return false;
            }
            remaining -= read;
        }

        return true;
    }

    /**
     * Reads what has arrived, waiting no later than the deadline.
     *
     * @throws SocketTimeoutException once the deadline has passed.
     */
    private int read(final InputStream in, final byte[] bytes) throws IOException
    {
        final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
        if (remainingMs <= 0)
        {
            throw new SocketTimeoutException("admin request deadline passed");
        }
        socket.setSoTimeout((int)remainingMs);

        return in.read(bytes);
    }

    /**
     * Writes a whole response, framed by Content-Length, announcing the close. Every answer is live (status,
     * readiness) or small (the page), so none may be cached; and none is to be sniffed or framed.
     *
     * @param headOnly true for a HEAD request: the head of the GET response without its body.
     */
    static void write(final OutputStream out, final AdminResponse response, final boolean headOnly) throws IOException
    {
        final byte[] body = response.body();
        final ByteBuffer buffer = ByteBuffer.allocate(HEAD_ROOM + (headOnly ? 0 : body.length));
        final ResponseHeadWriter writer = new ResponseHeadWriter(new HttpDate(InstantSource.system()))
            .begin(buffer, response.status())
            .header("Content-Type", response.contentType())
            .header("Cache-Control", "no-store")
            .header("X-Content-Type-Options", "nosniff")
            .header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        if (response.allow() != null)
        {
            writer.header("Allow", response.allow());
        }
        writer.contentLength(body.length).connectionClose().end();
        if (!headOnly)
        {
            buffer.put(body);
        }
        out.write(buffer.array(), 0, buffer.position());
        out.flush();
    }

    private static String field(final RequestHead head, final String lowerCaseName)
    {
        final int index = head.findHeader(lowerCaseName, 0);

        return index < 0 ? "none" : head.headerValue(index);
    }
}
