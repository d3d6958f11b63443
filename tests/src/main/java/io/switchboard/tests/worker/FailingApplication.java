package io.switchboard.tests.worker;

import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;

import java.nio.charset.StandardCharsets;

/**
 * An application that fails: {@code /before} throws before writing anything,
 * {@code /after} after the head and some body went out, {@code /hang} blocks
 * the worker's poller thread.
 */
public final class FailingApplication implements HttpApplication
{
    static final String SECRET = "secret-internal-detail";

    public String name()
    {
        return "failing";
    }

    /**
     * {@inheritDoc}
     *
     * @return true for {@code /hang}: it then blocks the worker's poller, as a buggy
     * "non-blocking" handler would, and the worker stops beating its heartbeat.
     */
    public boolean isNonBlocking(final HttpRequest request)
    {
        return request.path().endsWith("/hang");
    }

    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        if (request.path().endsWith("/hang"))
        {
            Thread.sleep(600_000);
        }
        if (request.path().endsWith("/after"))
        {
            response.write("partial".getBytes(StandardCharsets.US_ASCII), 0, 7);
        }
        throw new IllegalStateException(SECRET);
    }
}
