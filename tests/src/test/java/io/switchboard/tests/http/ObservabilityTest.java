package io.switchboard.tests.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.cm.ConnectionManager;
import io.switchboard.cm.config.CmConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The request-event pipeline end to end, on a real CM with a real worker: 100,000 requests of mixed outcomes
 * (200 from the worker, 404 routed nowhere, 400 and 413 refused by the codec, pipelined on keep-alive
 * connections; 503 refused at accept over {@code --max-connections}), then exactly one access-log line and
 * one count in {@code /metrics} and in the status traffic section per request and status, nothing dropped;
 * {@code /metrics} passes {@code promtool check metrics}; a client leaving mid-request is a 499; the log is
 * reopened after a rotation.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ObservabilityTest
{
    private static final int BATCHES = 100;
    private static final int GOOD_PER_BATCH = 999;
    private static final int WINDOW = 100;
    private static final int CLIENT_THREADS = 4;
    private static final int MAX_CONNECTIONS = 8;
    private static final int REFUSED = 100;
    private static final int MAX_BODY = 1024;
    private static final Pattern REQUESTS_TOTAL = Pattern.compile(
        "^switchboard_http_requests_total\\{application=\"([^\"]*)\",method=\"([^\"]*)\",status_class=\"([^\"]*)\"} (\\S+)$",
        Pattern.MULTILINE);

    @TempDir
    Path dir;

    private ConnectionManager cm;
    private int port;

    @AfterEach
    void stop()
    {
        if (cm != null)
        {
            cm.close();
        }
    }

    private void start(final Path accessLog)
    {
        final CmConfig config = new CmConfig();
        new CommandLine(config).parseArgs(
            "--port", "0", "--rpc-port", "-1", "--admin-port", "0", "--workers", "1", "--drain-ms", "2000",
            "--worker-classpath", System.getProperty("java.class.path"),
            // /nope is routed nowhere: the CM's own 404
            "--route", "/hello=demo,/sleep=demo",
            "--max-body", Integer.toString(MAX_BODY),
            "--max-connections", Integer.toString(MAX_CONNECTIONS),
            "--access-log", accessLog.toString(), "--access-log-format", "json");
        cm = new ConnectionManager(config);
        port = cm.start().getPort();
    }

    @Test
    void shouldLogAndCountEveryRequestExactlyOnce() throws Exception
    {
        final Path log = dir.resolve("access.log");
        start(log);
        // statuses the clients read: index by status
        final AtomicLongArray seen = new AtomicLongArray(600);

        final AtomicInteger nextBatch = new AtomicInteger();
        final ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++)
            {
                done.add(clients.submit(() ->
                {
                    for (int batch; (batch = nextBatch.getAndIncrement()) < BATCHES; )
                    {
                        runBatch(batch, seen);
                    }
                    return null;
                }));
            }
            for (final Future<?> future : done)
            {
                future.get();
            }
        }
        finally
        {
            clients.shutdownNow();
        }

        refuseOverTheConnectionLimit(seen);

        final long ok = (long)BATCHES * (GOOD_PER_BATCH - GOOD_PER_BATCH / 10 - 1);
        final long notFound = (long)BATCHES * (GOOD_PER_BATCH / 10 + 1);
        assertEquals(ok, seen.get(200), "200s read by the clients");
        assertEquals(notFound, seen.get(404), "404s read by the clients");
        assertEquals(BATCHES / 2, seen.get(400));
        assertEquals(BATCHES / 2, seen.get(413));
        assertEquals(REFUSED, seen.get(503));
        final long total = ok + notFound + BATCHES + REFUSED;
        assertEquals(100_100, total);

        // the handler thread catches up: the status traffic section answers once it has handled all before
        JsonNode traffic = traffic();
        while (traffic.get("requests_total").asLong() < total)
        {
            Thread.sleep(20);
            traffic = traffic();
        }
        assertEquals(total, traffic.get("requests_total").asLong(), traffic.toString());
        assertEquals(ok, traffic.get("responses").get("2xx").asLong());
        assertEquals(notFound + BATCHES, traffic.get("responses").get("4xx").asLong());
        assertEquals(REFUSED, traffic.get("responses").get("5xx").asLong());
        assertEquals(0, traffic.get("events_dropped_total").asLong(), "nothing dropped at this rate");
        assertTrue(traffic.get("latency_us").has("p99"));

        // exactly one line per request, per status; the lines of a batch are written once the batch is handled
        final Map<Integer, Long> logged = statusesLogged(log, total);
        for (final int status : new int[] {200, 404, 400, 413, 503})
        {
            assertEquals(seen.get(status), logged.getOrDefault(status, 0L), "access-log lines of status " + status);
        }
        assertEquals(5, logged.size(), "no other status logged: " + logged);

        final String metrics = scrapeAndCheck();
        final Map<String, Long> requests = requestsTotal(metrics);
        assertEquals(ok, requests.get("demo GET 2xx"), requests.toString());
        assertEquals(notFound + BATCHES, requests.entrySet().stream()
            .filter(e -> e.getKey().startsWith("none ") && e.getKey().endsWith(" 4xx")).mapToLong(Map.Entry::getValue).sum(),
            requests.toString());
        assertEquals(REFUSED, requests.get("none - 5xx"), requests.toString());
        assertEquals(total, requests.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(REFUSED, metric(metrics, "switchboard_http_failures_total{code=\"503\"}"));
        assertEquals(0, metric(metrics, "switchboard_request_events_dropped_total"));
        assertEquals(ok, metric(metrics, "switchboard_http_request_duration_seconds_count{application=\"demo\"}"));
        assertEquals(1, metric(metrics, "switchboard_workers{state=\"READY\"}"));

        // a client that leaves while the worker works: the exchange ends with the connection, as a 499
        try (Socket socket = connect())
        {
            socket.getOutputStream().write(request("GET", "/sleep?ms=20000", ""));
            while (new io.switchboard.ipc.channel.ChannelTable(cm.segment()).inUseCount() == 0)
            {
                Thread.sleep(5);
            }
        }
        final List<String> withGone = awaitLines(log, total + 1);
        final JsonNode gone = new ObjectMapper().readTree(withGone.get(withGone.size() - 1));
        assertEquals(499, gone.get("status").asInt(), gone.toString());
        assertEquals("/sleep?ms=20000", gone.get("target").asText());
        assertEquals(1, metric(scrapeAndCheck(), "switchboard_http_failures_total{code=\"499\"}"));

        // logrotate: the file moves, the CM is told, the next line goes to a new file of the same name
        final Path rotated = dir.resolve("access.log.1");
        Files.move(log, rotated);
        final Admin.Reply reopened = Admin.call(cm.adminAddress().getPort(), "POST", "/admin/logs/reopen");
        assertEquals(200, reopened.status(), reopened.body());
        try (Socket socket = connect())
        {
            socket.getOutputStream().write(request("GET", "/hello?after=rotation", "Connection: close\r\n"));
            assertEquals(200, readResponse(new BufferedInputStream(socket.getInputStream())));
        }
        final List<String> after = awaitLines(log, 1);
        assertEquals(1, after.size());
        assertTrue(after.get(0).contains("\"target\":\"/hello?after=rotation\""), after.get(0));
        assertEquals(total + 1, lineCount(rotated));
    }

    /**
     * One keep-alive connection: 999 good requests pipelined in windows of 100 (every tenth routed nowhere),
     * then one the codec refuses (a 400 or a 413, which closes the connection).
     */
    private void runBatch(final int batch, final AtomicLongArray seen) throws IOException
    {
        try (Socket socket = connect())
        {
            final OutputStream out = socket.getOutputStream();
            final InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            final ByteArrayOutputStream window = new ByteArrayOutputStream();
            int sent = 0;
            while (sent < GOOD_PER_BATCH)
            {
                window.reset();
                final int count = Math.min(WINDOW, GOOD_PER_BATCH - sent);
                for (int i = 0; i < count; i++)
                {
                    final int n = sent + i;
                    window.write(request("GET", n % 10 == 0 ? "/nope/" + n : "/hello?b=" + batch + "&n=" + n, ""));
                }
                out.write(window.toByteArray());
                for (int i = 0; i < count; i++)
                {
                    seen.incrementAndGet(readResponse(in));
                }
                sent += count;
            }
            if (batch % 2 == 0)
            {
                out.write(("GET /hello HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            else
            {
                out.write(request("POST", "/hello", "Content-Length: " + (MAX_BODY + 1) + "\r\n"));
            }
            seen.incrementAndGet(readResponse(in));
            assertEquals(-1, in.read(), "the connection closes after a refused request");
        }
    }

    /**
     * With the connection limit taken by idle connections, each new connection is answered 503 and closed.
     */
    private void refuseOverTheConnectionLimit(final AtomicLongArray seen) throws Exception
    {
        while (cm.openConnections() > 0)
        {
            Thread.sleep(5);
        }
        final List<Socket> holders = new ArrayList<>();
        try
        {
            for (int i = 0; i < MAX_CONNECTIONS; i++)
            {
                holders.add(connect());
            }
            while (cm.openConnections() < MAX_CONNECTIONS)
            {
                Thread.sleep(5);
            }
            for (int i = 0; i < REFUSED; i++)
            {
                try (Socket socket = connect())
                {
                    final InputStream in = new BufferedInputStream(socket.getInputStream());
                    seen.incrementAndGet(readResponse(in));
                }
            }
        }
        finally
        {
            for (final Socket holder : holders)
            {
                holder.close();
            }
        }
    }

    private Socket connect() throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static byte[] request(final String method, final String target, final String fields)
    {
        return (method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: observability-test\r\n" + fields + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads one response (its head, then Content-Length bytes of body).
     *
     * @return its status.
     */
    private static int readResponse(final InputStream in) throws IOException
    {
        final String statusLine = readLine(in);
        final int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in))
        {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15))
            {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        for (long i = 0; i < length; i++)
        {
            if (in.read() < 0)
            {
                throw new IOException("the body ended early");
            }
        }
        return status;
    }

    private static String readLine(final InputStream in) throws IOException
    {
        final StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n')
        {
            if (c < 0)
            {
                throw new IOException("the connection ended in a response head: " + line);
            }
            if (c != '\r')
            {
                line.append((char)c);
            }
        }
        return line.toString();
    }

    private JsonNode traffic() throws IOException
    {
        final Admin.Reply status = Admin.call(cm.adminAddress().getPort(), "GET", "/admin/status");
        assertEquals(200, status.status(), status.body());
        return new ObjectMapper().readTree(status.body()).get("traffic");
    }

    private static Map<Integer, Long> statusesLogged(final Path log, final long total) throws Exception
    {
        final List<String> lines = awaitLines(log, total);
        assertEquals(total, lines.size(), "one line per request");
        final ObjectMapper json = new ObjectMapper();
        final Map<Integer, Long> byStatus = new TreeMap<>();
        for (final String line : lines)
        {
            final JsonNode entry = json.readTree(line);
            byStatus.merge(entry.get("status").asInt(), 1L, Long::sum);
            if (entry.get("status").asInt() == 404)
            {
                assertTrue(entry.get("target").asText().startsWith("/nope/"), line);
                assertTrue(entry.get("application").isNull(), line);
            }
            else if (entry.get("status").asInt() == 200)
            {
                assertEquals("demo", entry.get("application").asText(), line);
                assertEquals("observability-test", entry.get("user_agent").asText(), line);
                assertEquals("127.0.0.1", entry.get("client").asText(), line);
                assertTrue(entry.get("worker").asInt() >= 0, line);
            }
        }
        return byStatus;
    }

    private static List<String> awaitLines(final Path file, final long count) throws Exception
    {
        while (lineCount(file) < count)
        {
            Thread.sleep(20);
        }
        return Files.readAllLines(file);
    }

    private static long lineCount(final Path file) throws IOException
    {
        if (!Files.exists(file))
        {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file))
        {
            return lines.count();
        }
    }

    /**
     * Scrapes {@code /metrics} and has Prometheus' own {@code promtool check metrics} read it.
     */
    private String scrapeAndCheck() throws Exception
    {
        final Admin.Reply reply = Admin.call(cm.adminAddress().getPort(), "GET", "/metrics");
        assertEquals(200, reply.status(), reply.body());
        final Path exposition = Files.writeString(dir.resolve("metrics.txt"), reply.body());
        final Process promtool;
        try
        {
            promtool = new ProcessBuilder("promtool", "check", "metrics")
                .redirectInput(exposition.toFile()).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            fail("promtool is not installed (tests/install-tools.sh installs it, ./switchboard test runs that): " + ex.getMessage());
            return null;
        }
        final String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, promtool.waitFor(), "promtool check metrics: " + output + "\n---\n" + reply.body());
        return reply.body();
    }

    private static Map<String, Long> requestsTotal(final String metrics)
    {
        final Map<String, Long> counts = new TreeMap<>();
        final Matcher matcher = REQUESTS_TOTAL.matcher(metrics);
        while (matcher.find())
        {
            counts.put(matcher.group(1) + " " + matcher.group(2) + " " + matcher.group(3), (long)Double.parseDouble(matcher.group(4)));
        }
        return counts;
    }

    private static long metric(final String metrics, final String series)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return (long)Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        fail("no series " + series + " in\n" + metrics);
        return -1;
    }
}
