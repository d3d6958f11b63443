package io.switchboard.bench.jetty.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Arrays;

/**
 * {@code GET /servlet/bytes?n=N}: N bytes of 'x' (0 &lt;= N &lt;= 1 MiB) with a Content-Length; the benchmark asks
 * for 16 KiB. The same class on every target.
 */
public final class BytesServlet extends HttpServlet
{
    private static final int MAX_BYTES = 1 << 20;
    private static final byte[] BODY = new byte[MAX_BYTES];

    static
    {
        Arrays.fill(BODY, (byte)'x');
    }

    @Override
    protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
    {
        final int n;
        try
        {
            n = Integer.parseInt(request.getParameter("n"));
        }
        catch (final NumberFormatException ex)
        {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "n is a byte count");
            return;
        }
        if (n < 0 || n > MAX_BYTES)
        {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "n is 0.." + MAX_BYTES);
            return;
        }
        response.setContentType("application/octet-stream");
        response.setContentLength(n);
        response.getOutputStream().write(BODY, 0, n);
    }
}
