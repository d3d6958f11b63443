package io.switchboard.bench.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CM's admin plane, {@code GET /admin/status}, read for the one figure the soak prints of it.
 */
final class AdminStatus
{
    private static final Pattern CHANNELS_IN_USE = Pattern.compile("\"channels_in_use\":\\s*(\\d+)");

    private final URI status;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    AdminStatus(final int adminPort)
    {
        this.status = URI.create("http://127.0.0.1:" + adminPort + "/admin/status");
    }

    /**
     * @return channels in use now, or -1 when the admin plane does not answer.
     */
    int channelsInUse()
    {
        try
        {
            final String body = client.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            final Matcher matcher = CHANNELS_IN_USE.matcher(body);
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
        catch (final Exception ex)
        {
            return -1;
        }
    }
}
