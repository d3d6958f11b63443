package io.switchboard.tests.http;

import io.switchboard.cm.CmMain;
import io.switchboard.testsupport.JavaProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten thousand idle keep-alive connections against a CM of its own process, started as
 * {@code ./switchboard run} starts it (512 MiB of heap): an idle connection holds no buffers, so the CM
 * stays small and keeps serving; past {@code --max-connections} a new connection is refused with a 503 and
 * those already open are served.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IdleConnectionsTest
{
    private static final int IDLE = 10_000;
    private static final int MAX_CONNECTIONS = IDLE + 10;
    private static final long RSS_CEILING_KIB = 256 * 1024;
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private Process cm;
    private Path log;
    /** Plain sockets: a RawHttp's 64 KiB read buffer, ten thousand times, would be the test's own memory. */
    private final List<Socket> idle = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException
    {
        for (final Socket connection : idle)
        {
            connection.close();
        }
        JavaProcess.kill(cm);
    }

    @Test
    void shouldHoldTenThousandIdleKeepAliveConnectionsInLittleMemoryAndRefuseOnlyThoseOverTheLimit() throws Exception
    {
        final int port = startCm();

        for (int i = 0; i < IDLE; i++)
        {
            final Socket connection = new Socket("127.0.0.1", port);
            connection.setSoTimeout(30_000);
            idle.add(connection);
            // each has had an exchange, then waits: a keep-alive connection between requests
            assertEquals("Hello, world!", hello(connection), "connection " + i);
        }
        final long rssKib = rssKib(cm.pid());
        assertTrue(rssKib > 0 && rssKib < RSS_CEILING_KIB,
            "the CM's RSS with " + IDLE + " idle connections: " + rssKib / 1024 + " MiB");

        // room for 10 more; the 11th is refused, cleanly
        final List<RawHttp> more = new ArrayList<>();
        try
        {
            for (int i = 0; i < MAX_CONNECTIONS - IDLE; i++)
            {
                final RawHttp connection = new RawHttp(port, 30_000);
                more.add(connection);
                connection.send(RawHttp.get("/hello"));
                assertEquals("Hello, world!", connection.read().text());
            }
            try (RawHttp refused = new RawHttp(port, 30_000))
            {
                final RawHttp.Response response = refused.read();
                assertEquals(503, response.status(), response.statusLine());
                assertTrue(response.closes());
                assertTrue(refused.awaitClosedByServer());
            }
        }
        finally
        {
            for (final RawHttp connection : more)
            {
                connection.close();
            }
        }

        // those already open are served, the first and the last
        for (final Socket connection : List.of(idle.get(0), idle.get(IDLE - 1)))
        {
            assertEquals("Hello, world!", hello(connection));
        }
        assertTrue(cm.isAlive(), "the CM died; its log: " + log);
    }

    private int startCm() throws Exception
    {
        log = JavaProcess.newLog("cm-idle");
        cm = JavaProcess.start(CmMain.class, log, List.of("-Xms64m", "-Xmx512m"),
            "--port", "0", "--admin-port", "-1", "--rpc-port", "-1", "--workers", "1",
            "--max-connections", String.valueOf(MAX_CONNECTIONS),
            "--worker-classpath", System.getProperty("java.class.path"),
            "--worker-jvm-option", "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        while (true)
        {
            final Matcher listening = LISTENING.matcher(Files.readString(log));
            if (listening.find())
            {
                return Integer.parseInt(listening.group(1));
            }
            if (!cm.isAlive())
            {
                throw new AssertionError("the CM exited with " + cm.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /**
     * GET /hello on a keep-alive socket, the response read to its Content-Length.
     */
    private static String hello(final Socket socket) throws IOException
    {
        socket.getOutputStream().write(RawHttp.ascii(RawHttp.get("/hello")));
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed after " + head);
            }
            head.append((char)b);
        }
        final Matcher length = CONTENT_LENGTH.matcher(head);
        assertTrue(head.toString().startsWith("HTTP/1.1 200 ") && length.find(), head.toString());
        return new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.US_ASCII);
    }

    private static long rssKib(final long pid) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
