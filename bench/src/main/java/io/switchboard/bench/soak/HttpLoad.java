package io.switchboard.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP connection's worth of load, in a thread of its own: {@code GET /hello}, {@code POST /echo} with a
 * 16 KiB body, {@code GET /bytes?n=65536} by turns, each answer checked, each request with a deadline.
 */
final class HttpLoad implements Runnable
{
    private static final int ECHO_BYTES = 16 * 1024;
    private static final int BYTES = 64 * 1024;

    private final String base;
    private final SoakLedger ledger;
    private final AtomicBoolean running;
    private final Duration deadline;
    private final long pauseMs;
    private final HttpClient client;
    private final byte[] body = new byte[ECHO_BYTES];

    HttpLoad(final int port, final SoakLedger ledger, final AtomicBoolean running, final Duration deadline,
        final long pauseMs)
    {
        this.base = "http://127.0.0.1:" + port;
        this.ledger = ledger;
        this.running = running;
        this.deadline = deadline;
        this.pauseMs = pauseMs;
        // a client each: its own connection, so that a broken one affects one load thread
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(deadline).build();
        Arrays.fill(body, (byte)'s');
    }

    @Override
    public void run()
    {
        long sequence = 0;
        while (running.get())
        {
            final int kind = (int)(sequence++ % 3);
            final HttpRequest request = switch (kind)
            {
                case 0 -> HttpRequest.newBuilder(URI.create(base + "/hello")).timeout(deadline).GET().build();
                case 1 -> HttpRequest.newBuilder(URI.create(base + "/echo")).timeout(deadline)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                default -> HttpRequest.newBuilder(URI.create(base + "/bytes?n=" + BYTES)).timeout(deadline).GET().build();
            };
            final String what = request.method() + " " + request.uri().getPath();
            final long startNs = System.nanoTime();
            try
            {
                final HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                final int status = response.statusCode();
                if (status == 502 || status == 503)
                {
                    ledger.failedLikeADeath(startNs, what + " answered " + status);
                }
                else if (status != 200)
                {
                    ledger.failedOtherwise(what + " answered " + status);
                }
                else if (kind == 1 && !Arrays.equals(body, response.body()) ||
                    kind == 2 && response.body().length != BYTES)
                {
                    ledger.failedOtherwise(what + " answered " + response.body().length + " bytes, not what was due");
                }
                else
                {
                    ledger.served();
                }
            }
            catch (final HttpTimeoutException ex)
            {
                ledger.hung(what + " took over " + deadline.toMillis() + " ms");
            }
            catch (final IOException ex)
            {
                ledger.failedLikeADeath(startNs, what + ": " + ex);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            Pause.sleep(pauseMs);
        }
    }
}
