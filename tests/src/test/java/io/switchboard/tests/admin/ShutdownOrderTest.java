package io.switchboard.tests.admin;

import io.switchboard.tests.LoopbackHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order of a shutdown as a load balancer sees it, on a real CM process sent SIGTERM: {@code /ready} turns 503
 * while every request is still served; a request sent after that 503, during the readiness grace, is answered;
 * then the client listener closes while the admin listener still answers ({@code /health} 200, {@code /ready}
 * 503) as an upload in flight drains; the admin listener is the last thing to go. Every step is an observation of
 * the previous one; the only clock is the grace, long enough for one request to be sent after the 503 is seen.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShutdownOrderTest
{
    private static final Pattern WORKER_PID = Pattern.compile("\"slot\": 0, \"state\": \"READY\", \"pid\": (\\d+)");
    private static final Pattern CHANNELS_IN_USE = Pattern.compile("\"channels_in_use\": (\\d+)");

    @Test
    void shouldTurnUnreadyFirstServeThroughTheGraceAndCloseTheAdminListenerLast() throws Exception
    {
        try (CmUnderTest cm = CmUnderTest.start("--workers", "1", "--drain-ms", "120000",
            "--shutdown-ready-grace-ms", "8000", "--min-body-rate", "0");
            Socket upload = new Socket())
        {
            assertEquals(new LoopbackHttp.Reply(200, "ok\n"), cm.admin("/health"));
            final LoopbackHttp.Reply ready = cm.admin("/ready");
            assertEquals(200, ready.status(), ready.body());
            assertTrue(ready.body().startsWith("ready: application 'demo' served by the READY workers in slots 0"),
                ready.body());
            final Matcher pid = WORKER_PID.matcher(cm.admin("/admin/status").body());
            assertTrue(pid.find(), "slot 0 READY");
            final ProcessHandle worker = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();

            // an upload half sent: it holds a channel, so the drain waits for it
            upload.connect(new InetSocketAddress("127.0.0.1", cm.port), 5_000);
            upload.setSoTimeout(60_000);
            upload.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nhello")
                .getBytes(StandardCharsets.US_ASCII));
            while (channelsInUse(cm) < 1)
            {
                Thread.sleep(10);
            }

            cm.process.destroy();
            LoopbackHttp.Reply readiness;
            while ((readiness = cm.admin("/ready")).status() == 200)
            {
                assertFalse(CmUnderTest.refuses(cm.port), "a connection refused while /ready still said 200");
            }
            assertEquals(new LoopbackHttp.Reply(503, "not ready: draining (the instance is stopping)\n"), readiness);

            final LoopbackHttp.Reply afterUnready = cm.client("/hello");
            assertEquals(new LoopbackHttp.Reply(200, "Hello, world!"), afterUnready,
                "a request sent after /ready turned 503, during the grace");

            while (!CmUnderTest.refuses(cm.port))
            {
                Thread.sleep(10);
            }
            assertEquals(new LoopbackHttp.Reply(200, "ok\n"), cm.admin("/health"),
                "the admin listener answers while the upload drains");
            assertEquals(503, cm.admin("/ready").status());
            final String status = cm.admin("/admin/status").body();
            assertTrue(status.contains("\"state\": \"stopping\""), status);
            assertTrue(worker.isAlive(), "the workers are stopped after the drain, not before");

            upload.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
            final String response = readToClose(upload.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertEquals("helloworld", body(response), response);

            assertTrue(cm.process.waitFor(120, TimeUnit.SECONDS), "the CM did not exit; its log: " + cm.log);
            assertTrue(CmUnderTest.refuses(cm.adminPort), "the admin listener closes with the CM");
            while (worker.isAlive())
            {
                // not our child: ProcessHandle polls; the CM waited for it before closing the admin listener
                Thread.sleep(10);
            }
        }
    }

    private static int channelsInUse(final CmUnderTest cm) throws IOException
    {
        final Matcher matcher = CHANNELS_IN_USE.matcher(cm.admin("/admin/status").body());
        assertTrue(matcher.find());
        return Integer.parseInt(matcher.group(1));
    }

    private static String readToClose(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * @return the body of a whole response, framed by Content-Length or chunked.
     */
    private static String body(final String response)
    {
        final int headEnd = response.indexOf("\r\n\r\n");
        final String head = response.substring(0, headEnd).toLowerCase();
        String rest = response.substring(headEnd + 4);
        if (!head.contains("transfer-encoding: chunked"))
        {
            return rest;
        }
        final StringBuilder body = new StringBuilder();
        while (true)
        {
            final int lineEnd = rest.indexOf("\r\n");
            final int size = Integer.parseInt(rest.substring(0, lineEnd).split(";")[0].trim(), 16);
            if (size == 0)
            {
                return body.toString();
            }
            body.append(rest, lineEnd + 2, lineEnd + 2 + size);
            rest = rest.substring(lineEnd + 2 + size + 2);
        }
    }
}
