package io.switchboard.examples.shop;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An asynchronous servlet: it returns at once and answers 100 ms later from another thread, as one waiting for a
 * remote price would, holding no thread meanwhile.
 */
public final class SlowQuoteServlet extends HttpServlet
{
    @Override
    protected void doGet(final HttpServletRequest request, final HttpServletResponse response)
    {
        final AsyncContext async = request.startAsync();
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() ->
        {
            try
            {
                response.setContentType("text/plain;charset=utf-8");
                response.getWriter().print("quote=42.00 async=" + request.isAsyncStarted() + "\n");
            }
            catch (final IOException ex)
            {
                log("quote not sent", ex);
            }
            finally
            {
                async.complete();
            }
        });
    }
}
