package io.switchboard.tests.worker;

import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;

import java.nio.charset.StandardCharsets;

/**
 * An application that fails: {@code /before} throws before writing anything,
 * {@code /after} after the head and some body went out.
 */
public final class FailingApplication implements HttpApplication
{
    static final String SECRET = "secret-internal-detail";

    public String name()
    {
        return "failing";
    }

    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        if (request.path().endsWith("/after"))
        {
            response.write("partial".getBytes(StandardCharsets.US_ASCII), 0, 7);
        }
        throw new IllegalStateException(SECRET);
    }
}
