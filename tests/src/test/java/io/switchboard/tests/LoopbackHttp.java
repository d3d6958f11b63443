package io.switchboard.tests;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One plain HTTP/1.1 exchange with a listener on 127.0.0.1, for the tests that drive a CM's client or admin
 * port (or HAProxy's stats page) and want its status and body, whatever the status. Bounded: 5 s to connect,
 * 30 s to read.
 */
public final class LoopbackHttp
{
    private LoopbackHttp()
    {
    }

    /**
     * @param status the response's status.
     * @param body   its body as UTF-8; empty when it had none.
     */
    public record Reply(int status, String body)
    {
    }

    public static Reply exchange(final int port, final String method, final String path) throws IOException
    {
        final HttpURLConnection connection =
            (HttpURLConnection)URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(30_000);
        try
        {
            final int status = connection.getResponseCode();
            final var stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            return new Reply(status, stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8));
        }
        finally
        {
            connection.disconnect();
        }
    }
}
