package io.switchboard.tests.worker;

import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /linger?file=PATH}: sends its whole response, then stays in its handler while {@code PATH} exists (a latch
 * the test opens by deleting it once the client has the response), then appends to {@code PATH.result} whether
 * the request was cancelled meanwhile: {@code cancelled=false} is right, the client got all it asked for.
 */
public final class LingeringApplication implements HttpApplication
{
    /** Far above any test's wait: the handler never outlives a test that forgot the latch. */
    private static final long MOST_WAITS = 60_000;

    public String name()
    {
        return "linger";
    }

    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        final Path latch = Path.of(request.queryParameter("file"));
        final AtomicBoolean cancelAction = new AtomicBoolean();
        request.onCancel(() -> cancelAction.set(true));
        response.header("Content-Type", "text/plain");
        response.send("sent\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < MOST_WAITS / 5 && Files.exists(latch); i++)
        {
            Thread.sleep(5);
        }
        final String result = "cancelled=" + (request.isCancelled() || cancelAction.get()) + "\n";
        Files.writeString(Path.of(latch + ".result"), result, StandardCharsets.US_ASCII,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
