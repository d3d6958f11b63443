package io.switchboard.tests.jetty;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The servlets of the probe web application (tests/src/test/webapps/probe), one per Servlet feature the tests
 * drive over HTTP. They run in the worker JVM; what a test cannot see in a response (a failed write, an
 * {@code AsyncListener} called) they record in {@link #EVENTS}, which {@code /probe/events} returns.
 */
public final class ProbeServlets
{
    static final Queue<String> EVENTS = new ConcurrentLinkedQueue<>();
    static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private ProbeServlets()
    {
    }

    static CountDownLatch gate(final String id)
    {
        return GATES.computeIfAbsent(id, key -> new CountDownLatch(1));
    }

    static void text(final HttpServletResponse response, final String body) throws IOException
    {
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().print(body);
    }

    /** Marks every response it passes, and the request for the servlet. */
    public static final class TaggingFilter implements Filter
    {
        @Override
        public void doFilter(final ServletRequest request, final ServletResponse response, final FilterChain chain)
            throws IOException, ServletException
        {
            ((HttpServletResponse)response).setHeader("X-Filtered", "yes");
            request.setAttribute("filtered", Boolean.TRUE);
            chain.doFilter(request, response);
        }
    }

    /** GET: what the filter left, the client's address as the servlet sees it. */
    public static final class Info extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            text(response, "filtered=" + request.getAttribute("filtered") + "\nremote=" + request.getRemoteAddr() +
                ":" + request.getRemotePort() + "\nmethod=" + request.getMethod() + "\nuri=" + request.getRequestURI() +
                "\nquery=" + request.getQueryString() + "\n");
        }
    }

    /** Reads the cookie {@code flavour} and sets it if absent. */
    public static final class Cookies extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            String flavour = null;
            if (request.getCookies() != null)
            {
                for (final Cookie cookie : request.getCookies())
                {
                    if ("flavour".equals(cookie.getName()))
                    {
                        flavour = cookie.getValue();
                    }
                }
            }
            if (flavour == null)
            {
                final Cookie cookie = new Cookie("flavour", "oat");
                cookie.setPath("/probe");
                cookie.setHttpOnly(true);
                response.addCookie(cookie);
            }
            text(response, "flavour=" + flavour + "\n");
        }
    }

    /** POST: the body streamed back as it arrives, 8 KiB at a time, each flushed. */
    public static final class Echo extends HttpServlet
    {
        @Override
        protected void doPost(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            response.setContentType("application/octet-stream");
            final InputStream in = request.getInputStream();
            final ServletOutputStream out = response.getOutputStream();
            final byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                out.write(buffer, 0, n);
                out.flush();
            }
        }
    }

    /** POST: reads the body to its end: its length and CRC-32. */
    public static final class Sink extends HttpServlet
    {
        @Override
        protected void doPost(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            final InputStream in = request.getInputStream();
            final CRC32 crc = new CRC32();
            final byte[] buffer = new byte[65536];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                crc.update(buffer, 0, n);
                total += n;
            }
            text(response, "bytes=" + total + " crc=" + Long.toHexString(crc.getValue()) + "\n");
        }
    }

    /** GET ?n=N: N bytes of {@link #pattern}, with a Content-Length. */
    public static final class Source extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            final long n = Long.parseLong(request.getParameter("n"));
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(n);
            final ServletOutputStream out = response.getOutputStream();
            final byte[] buffer = new byte[65536];
            long at = 0;
            while (at < n)
            {
                final int length = (int)Math.min(buffer.length, n - at);
                for (int i = 0; i < length; i++)
                {
                    buffer[i] = pattern(at + i);
                }
                out.write(buffer, 0, length);
                at += length;
            }
        }
    }

    static byte pattern(final long index)
    {
        return (byte)(index * 31 + (index >>> 13));
    }

    /** GET ?id=X: "first", flushBuffer, then waits for /release?id=X before "second". */
    public static final class Flush extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response)
            throws IOException, ServletException
        {
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().print("first\n");
            response.flushBuffer();
            try
            {
                if (!gate(request.getParameter("id")).await(60, TimeUnit.SECONDS))
                {
                    throw new ServletException("never released");
                }
            }
            catch (final InterruptedException ex)
            {
                throw new ServletException(ex);
            }
            response.getWriter().print("second\n");
        }
    }

    /** GET ?id=X: opens the gate of /flush?id=X. */
    public static final class Release extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            gate(request.getParameter("id")).countDown();
            text(response, "released\n");
        }
    }

    /** GET: answers from another thread after the servlet returned. */
    public static final class Async extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response)
        {
            final AsyncContext async = request.startAsync();
            final String caller = Thread.currentThread().toString();
            async.start(() ->
            {
                try
                {
                    text(response, "async from another thread=" + !Thread.currentThread().toString().equals(caller) + "\n");
                }
                catch (final IOException ex)
                {
                    EVENTS.add("async-write-failed");
                }
                async.complete();
            });
        }
    }

    /** GET ?id=X: starts async and never answers; its listener records what happens. */
    public static final class AsyncHang extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response)
        {
            final String id = request.getParameter("id");
            final AsyncContext async = request.startAsync();
            async.setTimeout(0);
            async.addListener(new AsyncListener()
            {
                public void onComplete(final AsyncEvent event)
                {
                    EVENTS.add("async-complete:" + id);
                }

                public void onTimeout(final AsyncEvent event)
                {
                    EVENTS.add("async-timeout:" + id);
                }

                public void onError(final AsyncEvent event)
                {
                    EVENTS.add("async-error:" + id + ":" + event.getThrowable().getClass().getSimpleName());
                    event.getAsyncContext().complete();
                }

                public void onStartAsync(final AsyncEvent event)
                {
                }
            });
            EVENTS.add("async-started:" + id);
        }
    }

    /** GET ?id=X: streams 8 KiB blocks, each flushed, until a write fails; records the failure. */
    public static final class Endless extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response)
        {
            final String id = request.getParameter("id");
            final byte[] block = new byte[8192];
            long written = 0;
            try
            {
                final ServletOutputStream out = response.getOutputStream();
                while (true)
                {
                    out.write(block);
                    out.flush();
                    written += block.length;
                }
            }
            catch (final IOException ex)
            {
                EVENTS.add("write-failed:" + id + ":" + (written > 0));
            }
        }
    }

    /** GET ?code=N: sendError(N), for the error page. */
    public static final class SendError extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            response.sendError(Integer.parseInt(request.getParameter("code")), "probe says no");
        }
    }

    /** GET: throws, for the error page. */
    public static final class Fail extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response)
            throws ServletException
        {
            throw new ServletException("probe failure");
        }
    }

    /** The web application's error page. */
    public static final class ErrorPage extends HttpServlet
    {
        @Override
        protected void service(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            final Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            text(response, "error page: status=" + request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) +
                " message=" + request.getAttribute(RequestDispatcher.ERROR_MESSAGE) +
                " exception=" + (exception == null ? null : exception.getClass().getSimpleName()) + "\n");
        }
    }

    /** GET: every event recorded so far, one a line. */
    public static final class Events extends HttpServlet
    {
        @Override
        protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
        {
            response.setContentType("text/plain;charset=utf-8");
            final StringBuilder all = new StringBuilder();
            for (final String event : EVENTS)
            {
                all.append(event).append('\n');
            }
            response.getOutputStream().write(all.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
