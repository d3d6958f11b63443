package io.switchboard.tests.jetty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The JDK's HTTP client, HTTP/1.1 only, against an instance on a loopback port.
 */
final class Http
{
    private final HttpClient client;
    private final int port;

    Http(final int port)
    {
        this(port, HttpClient.newBuilder());
    }

    Http(final int port, final HttpClient.Builder builder)
    {
        this.port = port;
        this.client = builder.version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpRequest.Builder request(final String path)
    {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
    }

    HttpResponse<String> get(final String path) throws IOException, InterruptedException
    {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    <T> HttpResponse<T> send(final HttpRequest request, final HttpResponse.BodyHandler<T> handler)
        throws IOException, InterruptedException
    {
        return client.send(request, handler);
    }

    /**
     * Polls {@code path} until its body contains {@code text}: for what happens in the worker after a response.
     */
    String awaitBodyContaining(final String path, final String text) throws IOException, InterruptedException
    {
        while (true)
        {
            final String body = get(path).body();
            if (body.contains(text))
            {
                return body;
            }
            Thread.sleep(20);
        }
    }
}
