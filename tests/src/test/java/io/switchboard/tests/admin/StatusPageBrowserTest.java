package io.switchboard.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status page in a real browser (headless Chromium): served by the admin listener through its guard and
 * under its Content-Security-Policy, it shows one row per worker slot with the pids of {@code /admin/status},
 * and its request counts move while load runs. Waits are polls of what the page shows, bounded by the test's
 * timeout only.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StatusPageBrowserTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every worker row as the page shows it. */
    private static final String ROWS = "JSON.stringify(Array.from(document.querySelectorAll('#workers tbody tr[data-slot]'))" +
        ".map(row => ({slot: Number(row.dataset.slot), state: row.dataset.state, pid: Number(row.dataset.pid)," +
        " requests: Number(row.querySelector('td.requests').dataset.value)," +
        " jdk: row.querySelector('td.jdk').dataset.value, rss: Number(row.querySelector('td.rss').dataset.value)})))";

    @Test
    void shouldShowEveryWorkerAndRequestCountsThatMoveUnderLoad() throws Exception
    {
        try (CmUnderTest cm = CmUnderTest.start("--workers", "2");
            Chromium browser = Chromium.open("http://127.0.0.1:" + cm.adminPort + "/"))
        {
            final JsonNode status = JSON.readTree(cm.admin("/admin/status").body());
            final Map<Integer, Long> pids = new HashMap<>();
            for (final JsonNode slot : status.get("slots"))
            {
                if ("READY".equals(slot.get("state").asText()))
                {
                    pids.put(slot.get("slot").asInt(), slot.get("pid").asLong());
                }
            }
            assertEquals(2, pids.size(), status.toString());

            JsonNode rows = rows(browser);
            while (!showsReadyWorkers(rows, pids, status.get("slots").size()))
            {
                Thread.sleep(50);
                rows = rows(browser);
            }
            assertEquals(status.get("slots").size(), rows.size(), "one row per slot: " + rows);
            for (final JsonNode row : rows)
            {
                if (pids.containsKey(row.get("slot").asInt()))
                {
                    assertEquals(String.valueOf(Runtime.version().feature()), row.get("jdk").asText().split("\\.")[0],
                        "the worker's Java, as it reported it: " + row);
                    assertTrue(row.get("rss").asLong() > 0, "the worker's resident memory: " + row);
                }
            }
            assertEquals("running", browser.evaluate("document.getElementById('state').textContent").asText());
            while (browser.evaluate("document.getElementById('traffic').hidden").asBoolean())
            {
                Thread.sleep(50);
            }
            final long before = requestsShown(rows);
            final long trafficBefore = trafficRequestsShown(browser);

            final AtomicLong answered = new AtomicLong();
            final Thread load = Thread.ofPlatform().name("status-page-load").start(() -> load(cm.port, answered));
            try
            {
                long shown = before;
                while (shown <= before)
                {
                    Thread.sleep(50);
                    shown = requestsShown(rows(browser));
                }
                assertTrue(shown > before, "requests shown went from " + before + " to " + shown);
                while (!browser.evaluate("Array.from(document.querySelectorAll('#workers td.rate'))" +
                    ".some(cell => Number(cell.dataset.value) > 0)").asBoolean())
                {
                    Thread.sleep(50);
                }
                // the traffic panel (the request events' counts and latency window) moves too
                long trafficShown = trafficBefore;
                while (trafficShown <= trafficBefore)
                {
                    Thread.sleep(50);
                    trafficShown = trafficRequestsShown(browser);
                }
                while (!browser.evaluate("/[0-9]/.test(document.getElementById('latency-p99').textContent)").asBoolean())
                {
                    Thread.sleep(50);
                }
                assertTrue(trafficShown > trafficBefore, "traffic requests went from " + trafficBefore + " to " + trafficShown);
                assertTrue(answered.get() > 0);
                assertTrue(browser.evaluate("document.body.dataset.error === undefined").asBoolean(),
                    "the page's polls succeed: " + browser.evaluate("document.body.dataset.error"));
            }
            finally
            {
                load.interrupt();
                load.join();
            }
        }
    }

    private static JsonNode rows(final Chromium browser) throws Exception
    {
        return JSON.readTree(browser.evaluate(ROWS).asText());
    }

    private static boolean showsReadyWorkers(final JsonNode rows, final Map<Integer, Long> pids, final int slots)
    {
        if (rows.size() != slots)
        {
            return false;
        }
        int matched = 0;
        for (final JsonNode row : rows)
        {
            final Long pid = pids.get(row.get("slot").asInt());
            if (pid != null && "READY".equals(row.get("state").asText()) && pid == row.get("pid").asLong())
            {
                matched++;
            }
        }
        return matched == pids.size();
    }

    /**
     * @return the traffic panel's request total, its digits read as a number (0 while it shows none).
     */
    private static long trafficRequestsShown(final Chromium browser) throws Exception
    {
        return browser.evaluate(
            "Number(document.getElementById('traffic-requests').textContent.replace(/[^0-9]/g, '') || '0')").asLong();
    }

    private static long requestsShown(final JsonNode rows)
    {
        long sum = 0;
        for (final JsonNode row : rows)
        {
            sum += row.get("requests").asLong();
        }
        return sum;
    }

    /**
     * A client sending {@code GET /hello} on one keep-alive connection, a request at a time, until interrupted.
     */
    private static void load(final int port, final AtomicLong answered)
    {
        final byte[] request = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final byte[] buffer = new byte[4096];
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            while (!Thread.currentThread().isInterrupted())
            {
                out.write(request);
                // the demo's answer to /hello is small: read until its body, "Hello, world!", has arrived
                final StringBuilder response = new StringBuilder();
                while (response.indexOf("Hello, world!") < 0)
                {
                    final int read = in.read(buffer);
                    if (read < 0)
                    {
                        return;
                    }
                    response.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                }
                answered.incrementAndGet();
            }
        }
        catch (final IOException ex)
        {
            // the CM is being stopped with the test: the load ends
        }
    }
}
