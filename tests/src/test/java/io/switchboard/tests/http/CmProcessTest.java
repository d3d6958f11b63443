package io.switchboard.tests.http;

import io.switchboard.cm.CmMain;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.testsupport.JavaProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CM as its own process, as {@code ./switchboard run} starts it, taken down
 * by signals: SIGTERM drains it, SIGKILL takes its workers with it and leaves a
 * segment the next CM removes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CmProcessTest
{
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin on http://127\\.0\\.0\\.1:(\\d+)/");

    private Process cm;
    private Path log;

    @AfterEach
    void killLeftovers()
    {
        JavaProcess.kill(cm);
    }

    @Test
    void shouldFinishInFlightRequestsAndRefuseNewConnectionsOnSigterm() throws Exception
    {
        final int[] ports = startCm("--workers", "1", "--drain-ms", "10000");
        final Admin.Reply status = Admin.call(ports[1], "GET", "/admin/status");
        final Path segmentFile = segmentFile(status);
        final ProcessIdentity worker = ProcessIdentity.of((int)status.slots().get(0).pid());
        assertTrue(Files.exists(segmentFile), segmentFile + " while the CM runs");

        final List<RawHttp> inFlight = new ArrayList<>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                inFlight.add(new RawHttp(ports[0], 15_000).send(RawHttp.get("/sleep?ms=1000")));
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (channelsInUse(ports[1]) < inFlight.size() && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(10);
            }
            assertEquals(inFlight.size(), channelsInUse(ports[1]), "requests in flight before the SIGTERM");

            cm.destroy();
            assertTrue(awaitRefused(ports[0], 30_000), "new connections still accepted 30 s after the SIGTERM");
            for (final RawHttp client : inFlight)
            {
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), response.statusLine());
                assertTrue(response.closes(), "a draining CM closes the connection after the response");
            }
        }
        finally
        {
            for (final RawHttp client : inFlight)
            {
                client.close();
            }
        }

        assertTrue(cm.waitFor(30, TimeUnit.SECONDS), "the CM did not exit after SIGTERM; its log: " + log);
        assertFalse(Files.exists(segmentFile), segmentFile + " left behind by a clean shutdown");
        assertFalse(worker.isAlive(), "the worker outlived its CM");
    }

    @Test
    void shouldTakeWorkersDownWithAKilledCmAndRemoveItsSegmentAtTheNextStart() throws Exception
    {
        final int[] ports = startCm("--workers", "2");
        final Admin.Reply status = Admin.call(ports[1], "GET", "/admin/status");
        final Path segmentFile = segmentFile(status);
        final List<ProcessIdentity> workers = new ArrayList<>();
        for (final Admin.Slot slot : status.slots())
        {
            if (slot.pid() > 0)
            {
                workers.add(ProcessIdentity.of((int)slot.pid()));
            }
        }
        assertEquals(2, workers.size(), status.body());

        cm.destroyForcibly();
        assertTrue(cm.waitFor(30, TimeUnit.SECONDS));
        // every worker exits by itself (how soon is not this test's business): polled, because
        // ProcessHandle.onExit() of a process that is not our child polls slowly, and counts a zombie as alive
        // until whoever adopted it reaps it; the deadline is generous and only there for the message
        for (final ProcessIdentity worker : workers)
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (worker.isAlive() && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(5);
            }
            if (worker.isAlive())
            {
                ProcessHandle.of(worker.pid()).ifPresent(ProcessHandle::destroyForcibly);
                throw new AssertionError("worker " + worker + " outlived its killed CM by a minute; CM output:\n" +
                    Files.readString(log));
            }
        }
        assertTrue(Files.exists(segmentFile), "a killed CM cannot remove its segment: " + segmentFile);

        try (Instance next = new Instance("--workers", "1"))
        {
            assertFalse(Files.exists(segmentFile), "the next CM left the stale " + segmentFile);
            try (RawHttp client = new RawHttp(next.port()))
            {
                client.send(RawHttp.get("/hello"));
                assertEquals("Hello, world!", client.read().text());
            }
        }
    }

    /**
     * @return the client port and the admin port.
     */
    private int[] startCm(final String... extraArgs) throws Exception
    {
        log = JavaProcess.newLog("cm");
        final List<String> args = new ArrayList<>(List.of(
            "--port", "0", "--admin-port", "0", "--rpc-port", "0",
            "--worker-classpath", System.getProperty("java.class.path"),
            "--worker-jvm-option", "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
        args.addAll(List.of(extraArgs));
        cm = JavaProcess.start(CmMain.class, log, args.toArray(new String[0]));

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final String output = Files.readString(log);
            final Matcher listening = LISTENING.matcher(output);
            final Matcher admin = ADMIN.matcher(output);
            if (listening.find() && admin.find())
            {
                return new int[] {Integer.parseInt(listening.group(1)), Integer.parseInt(admin.group(1))};
            }
            if (!cm.isAlive())
            {
                throw new AssertionError("the CM exited with " + cm.exitValue() + ":\n" + output);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the CM did not start in 60 s:\n" + Files.readString(log));
    }

    private static Path segmentFile(final Admin.Reply status)
    {
        final String segment = status.field("segment");
        assertTrue(segment != null && segment.startsWith("/switchboard-"), status.body());
        return Path.of("/dev/shm", segment.substring(1));
    }

    private static int channelsInUse(final int adminPort) throws IOException
    {
        return Integer.parseInt(Admin.call(adminPort, "GET", "/admin/status").field("channels_in_use"));
    }

    private static boolean awaitRefused(final int port, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadlineNs < 0)
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
            catch (final ConnectException ex)
            {
                return true;
            }
            catch (final IOException ex)
            {
                // a timeout: try again
            }
            Thread.sleep(10);
        }
        return false;
    }
}
