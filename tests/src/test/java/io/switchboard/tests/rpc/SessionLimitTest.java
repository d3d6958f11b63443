package io.switchboard.tests.rpc;

import io.switchboard.protocol.rpc.RpcHandshake;
import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle sessions cannot take every channel: sessions have a budget of their own, in all and per client
 * address, and HTTP keeps its channels. 1,030 sessions that say nothing after the handshake, all from
 * 127.0.0.1: those within the per-address limit are welcomed, the others refused at once with
 * TOO_MANY_SESSIONS (not queued until the queue timeout), and HTTP requests are served meanwhile.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SessionLimitTest
{
    private static final int SESSIONS = 1_030;

    @Test
    void shouldRefuseSessionsOverTheLimitAtOnceAndKeepServingHttp() throws Exception
    {
        // default limits: a quarter of the 1,024 channels per address, half of them in all
        try (Instance instance = new Instance("--workers", "1"))
        {
            final List<Socket> sessions = new ArrayList<>();
            int welcomed = 0;
            int refused = 0;
            try
            {
                for (int i = 0; i < SESSIONS; i++)
                {
                    final Socket socket = RawFrames.connect(instance.rpcPort());
                    sessions.add(socket);
                    socket.getOutputStream().write(RawFrames.hello("demo"));
                    final RawFrames.Welcome welcome = RawFrames.readWelcome(new DataInputStream(socket.getInputStream()));
                    if (welcome.status() == RpcHandshake.STATUS_OK)
                    {
                        welcomed++;
                    }
                    else
                    {
                        assertEquals(RpcHandshake.STATUS_TOO_MANY_SESSIONS, welcome.status(), welcome.message());
                        assertTrue(welcome.message().contains("--max-sessions-per-address"), welcome.message());
                        refused++;
                    }
                }
                assertEquals(256, welcomed, "sessions welcomed from one address");
                assertEquals(SESSIONS - 256, refused);

                final HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 20; i++)
                {
                    final HttpResponse<String> hello = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, hello.statusCode());
                }

                // a place given back is taken again
                sessions.remove(0).close();
                awaitSessionsBelow(instance, 256);
                try (Socket again = RawFrames.connect(instance.rpcPort()))
                {
                    again.getOutputStream().write(RawFrames.hello("demo"));
                    assertEquals(RpcHandshake.STATUS_OK,
                        RawFrames.readWelcome(new DataInputStream(again.getInputStream())).status());
                }
            }
            finally
            {
                for (final Socket socket : sessions)
                {
                    socket.close();
                }
            }
        }
    }

    private static void awaitSessionsBelow(final Instance instance, final int limit) throws InterruptedException
    {
        // the CM sees the close on its next read; polled, bounded by the test's timeout
        while (instance.cm().openSessions() >= limit)
        {
            Thread.sleep(5);
        }
    }
}
