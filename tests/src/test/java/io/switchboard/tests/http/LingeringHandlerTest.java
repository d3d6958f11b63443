package io.switchboard.tests.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A handler that stays on after its whole response is sent (a Jetty exchange completes on the thread of its last
 * write, after that write): the CM relays the response and closes the channel, which is no departure of the client.
 * The handler must not see its request cancelled, and the connection goes on serving once it has returned.
 */
@Timeout(120)
class LingeringHandlerTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNotCancelARequestWhoseResponseWasSentWhileItsHandlerStays() throws Exception
    {
        try (Instance instance = new Instance("--workers", "1", "--route", "/linger=linger"))
        {
            for (int i = 0; i < 5; i++)
            {
                final Path latch = Files.createFile(dir.resolve("latch-" + i));
                try (RawHttp client = new RawHttp(instance.port(), 60_000))
                {
                    client.send(RawHttp.get("/linger?file=" + latch));
                    final RawHttp.Response response = client.read();
                    assertEquals(200, response.status(), response.statusLine());
                    assertEquals("sent\n", response.text());

                    // the CM has relayed the response and closed the channel; the handler is still in
                    Files.delete(latch);
                    final Path result = dir.resolve("latch-" + i + ".result");
                    while (!Files.exists(result) || Files.size(result) == 0)
                    {
                        Thread.sleep(5);
                    }
                    assertEquals("cancelled=false\n", Files.readString(result, StandardCharsets.US_ASCII));

                    // the same connection goes on
                    client.send(RawHttp.get("/linger?file=" + dir.resolve("none")));
                    assertEquals("sent\n", client.read().text());
                }
            }
        }
    }
}
