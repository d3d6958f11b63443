package io.switchboard.bench.jetty.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The servlet cases of {@code bench/http/run.sh}, the same class on every target (Switchboard's workers through the
 * Jetty adapter, Jetty standalone, nginx in front of it):
 * <pre>
 *   GET /servlet/hello   200, text/plain, Content-Length: 13, "Hello, world!"
 * </pre>
 */
public final class HelloServlet extends HttpServlet
{
    private static final byte[] BODY = "Hello, world!".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
    {
        response.setContentType("text/plain");
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
    }
}
