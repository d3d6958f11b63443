package io.switchboard.tests.http;

import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;
import io.switchboard.testsupport.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A worker that writes garbage into the segment (RogueApplication, in a real
 * worker JVM) is cut off: its request fails cleanly (502 before the response
 * started, the connection closed after), the CM logs what was wrong with the
 * channel and worker slot, the worker is killed and replaced, and the other
 * worker serves on, through the fault (a request in flight on it completes)
 * and after it.
 * <p>
 * Each fault runs against the same instance of two workers: a slow request
 * holds one worker, so the least-loaded dispatch sends the rogue request to the
 * other. Every wait has a deadline: the socket's read timeout, or a polled one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RogueWorkerTest
{
    private static final long REPLACEMENT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(40);

    private static Instance instance;
    private static LogCapture cmLog;
    private static PrintStream originalErr;
    private static final ByteArrayOutputStream CM_ERR = new ByteArrayOutputStream();

    @BeforeAll
    static void start()
    {
        // the CM runs in this JVM: its log events are captured to assert on
        cmLog = LogCapture.of("io.switchboard.cm");
        // the I/O threads still print to System.err (they move to SLF4J in a change of their own): teed until then
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, CM_ERR), true, StandardCharsets.UTF_8));
        instance = new Instance("--workers", "2", "--channels", "4", "--heartbeat-timeout-ms", "3000",
            "--route", "/rogue=rogue");
    }

    @AfterAll
    static void stop()
    {
        try
        {
            if (instance != null)
            {
                instance.close();
            }
        }
        finally
        {
            System.setErr(originalErr);
            cmLog.close();
        }
    }

    @BeforeEach
    void awaitBothWorkersReady() throws InterruptedException
    {
        final WorkerSlots slots = new WorkerSlots(instance.cm().segment());
        final long deadlineNs = System.nanoTime() + REPLACEMENT_TIMEOUT_NS;
        while (!(isReady(slots, 0) && isReady(slots, 1)))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("workers not READY: " + slots.state(0) + ", " + slots.state(1));
            }
            Thread.sleep(20);
        }
        // READY in the slot comes a little before the CM dispatches to it: wait until both serve (dispatch
        // alternates between equally loaded workers), or the slow request and the rogue one share a worker
        while (!servesFromTwoWorkers())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("the CM does not dispatch to both workers");
            }
            Thread.sleep(20);
        }
        assertEquals(0, instance.awaitChannelsInUse(0, 10_000), "channels left in use by an earlier test");
    }

    private static boolean servesFromTwoWorkers() throws InterruptedException
    {
        final java.util.Set<String> pids = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++)
        {
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/whoami"));
                final RawHttp.Response response = client.read();
                if (response.status() == 200)
                {
                    pids.add(response.text());
                }
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
        return pids.size() == 2;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "tail-beyond    | tail position out of bounds",
        "tail-backwards | tail position out of bounds",
        "frame-length   | frame length out of bounds",
        "frame-type     | unexpected frame type",
        "frame-flags    | unknown flags=0x3",
        "frame-fragment | RESPONSE_HEAD with fragment flags=0x80",
        "response-head  | RESPONSE_HEAD header refused",
        "heartbeat      | ms in the future",
        "worker-identity | worker slot identity rewritten",
    })
    void shouldAnswer502AndCutOffAWorkerThatCorruptsItsChannelBeforeResponding(final String fault, final String cause)
        throws Exception
    {
        final Fault provoked = provoke(fault, client ->
        {
            final RawHttp.Response response = client.read();
            assertEquals(502, response.status(), "rogue request: " + response.statusLine());
        });
        provoked.assertCutOff(cause);
    }

    @Test
    void shouldCloseTheConnectionWhenTheRingGoesBadAfterTheResponseStarted() throws Exception
    {
        final Fault provoked = provoke("after-head", client ->
        {
            final EOFException ex = assertThrows(EOFException.class, client::read);
            assertTrue(ex.getMessage().contains("after 7 of 1000"), ex.getMessage());
        });
        provoked.assertCutOff("tail position out of bounds");
    }

    @Test
    void shouldCloseTheConnectionWhenTheBodyOverrunsItsContentLength() throws Exception
    {
        // the head may or may not have left before the body frame was refused; the body never does
        final Fault provoked = provoke("body-overrun", client -> assertThrows(EOFException.class, client::read));
        provoked.assertCutOff("past the promised length");
    }

    @Test
    void shouldAnswer502WhenTheWorkerMovesTheInboundHeadPastTheTailDuringAnUpload() throws Exception
    {
        final Fault provoked = provoke("inbound-head", client ->
        {
            final RawHttp.Response response = client.read();
            assertEquals(502, response.status());
            assertTrue(response.closes(), "a 502 mid-upload closes: the rest of the body is on the socket");
        }, true);
        provoked.assertCutOff("head position out of bounds");
    }

    @Test
    void shouldCutOffAWorkerThatRewritesItsChannelsGeneration() throws Exception
    {
        final Fault provoked = provoke("channel-state", client ->
        {
            // the CM's timer finds the slot rewritten; the worker's own runtime has stopped writing to it anyway
            final RawHttp.Response response = client.read();
            assertEquals(502, response.status());
        });
        provoked.assertCutOff("channel state word rewritten");
    }

    @Test
    void shouldScrubAFreeChannelAnotherWorkerWroteInto() throws Exception
    {
        final int before = countOccurrences(log(LogMark.START), "held frames while FREE");
        final String foreign;
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/rogue/foreign-channel"));
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status());
            foreign = response.text();
        }

        // four concurrent requests take every slot of the four, the written one among them
        final List<RawHttp> clients = new ArrayList<>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                final RawHttp client = new RawHttp(instance.port());
                clients.add(client);
                client.send(RawHttp.get("/sleep?ms=300"));
            }
            for (final RawHttp client : clients)
            {
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status());
                assertTrue(!response.text().contains("forged"), "a forged response reached a client");
            }
        }
        finally
        {
            for (final RawHttp client : clients)
            {
                client.close();
            }
        }
        assertTrue(countOccurrences(log(LogMark.START), "held frames while FREE") > before,
            "the CM did not notice frames in FREE channel " + foreign + ":\n" + log(LogMark.START));
        assertServes();
    }

    @Test
    void shouldRelayAValidResponseWithOddLengthHeaderStringsAndCutOffNobody() throws Exception
    {
        final long[] pids = {instance.cm().supervisor().pid(0), instance.cm().supervisor().pid(1)};
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send(RawHttp.get("/rogue/odd-header"));
            final RawHttp.Response response = client.read();
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("ok", response.text());
            assertEquals(1, response.count("cache-control"));
        }
        assertServes();
        assertEquals(pids[0], instance.cm().supervisor().pid(0));
        assertEquals(pids[1], instance.cm().supervisor().pid(1));
    }

    // ---------------------------------------------------------------- helpers

    private interface Expectation
    {
        void check(RawHttp client) throws Exception;
    }

    private static Fault provoke(final String fault, final Expectation expectation) throws Exception
    {
        return provoke(fault, expectation, false);
    }

    /**
     * Holds one worker with a slow request, sends the rogue request (to the other worker), checks its outcome,
     * then checks that the slow request completed.
     */
    private static Fault provoke(final String fault, final Expectation expectation, final boolean upload)
        throws Exception
    {
        final long[] pids = {instance.cm().supervisor().pid(0), instance.cm().supervisor().pid(1)};
        final LogMark logStart = LogMark.now();
        try (RawHttp slow = new RawHttp(instance.port()))
        {
            slow.send(RawHttp.get("/sleep?ms=1500"));
            awaitChannelsAtLeast(1);
            try (RawHttp client = new RawHttp(instance.port()))
            {
                if (upload)
                {
                    client.send("PUT /rogue/" + fault + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n" +
                        "x".repeat(10));
                    // the handler runs and corrupts the ring; the rest of the body then meets it
                    Thread.sleep(500);
                    try
                    {
                        client.send("y".repeat(999_990));
                    }
                    catch (final IOException ex)
                    {
                        // the CM may have closed already: the response is still to be read
                    }
                }
                else
                {
                    client.send(RawHttp.get("/rogue/" + fault));
                }
                expectation.check(client);
            }
            final RawHttp.Response slowResponse = slow.read();
            assertEquals(200, slowResponse.status(), "the other worker's request, in flight through the fault");
        }
        return new Fault(pids, logStart);
    }

    private static final class Fault
    {
        private final long[] pidsBefore;
        private final LogMark logStart;

        Fault(final long[] pidsBefore, final LogMark logStart)
        {
            this.pidsBefore = pidsBefore;
            this.logStart = logStart;
        }

        /**
         * One worker, and only one, is replaced; the CM said why; everyone is served afterwards.
         */
        void assertCutOff(final String cause) throws Exception
        {
            final long deadlineNs = System.nanoTime() + REPLACEMENT_TIMEOUT_NS;
            int replaced = -1;
            while (replaced < 0)
            {
                for (int slot = 0; slot < 2; slot++)
                {
                    final long pid = instance.cm().supervisor().pid(slot);
                    if (pid > 0 && pid != pidsBefore[slot])
                    {
                        replaced = slot;
                    }
                }
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("no worker was replaced; CM log:\n" + log(logStart));
                }
                Thread.sleep(20);
            }
            final int other = 1 - replaced;
            assertEquals(pidsBefore[other], instance.cm().supervisor().pid(other), "the innocent worker was replaced");

            final String log = log(logStart);
            assertTrue(log.contains(cause), "the CM log does not give the cause '" + cause + "':\n" + log);
            assertTrue(log.contains("worker " + replaced + " "), "the CM log does not name worker " + replaced + ":\n" + log);
            assertTrue(log.contains("is rogue") && log.contains("killing it"), "the CM log does not say it killed:\n" + log);
            assertNotEquals(-1, pidsBefore[replaced]);
            assertServes();
        }
    }

    private static void assertServes() throws Exception
    {
        for (int i = 0; i < 6; i++)
        {
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/hello"));
                assertEquals(200, client.read().status(), "request " + i + " after the fault");
            }
        }
    }

    private static boolean isReady(final WorkerSlots slots, final int slot)
    {
        return slots.state(slot) == WorkerState.READY && instance.cm().supervisor().pid(slot) > 0;
    }

    private static void awaitChannelsAtLeast(final int count) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (instance.channelsInUse() < count)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("the slow request never got a channel");
            }
            Thread.sleep(2);
        }
    }

    /**
     * How much of the CM's log there was at a point: events captured and bytes teed from System.err.
     */
    private record LogMark(int events, int errBytes)
    {
        static final LogMark START = new LogMark(0, 0);

        static LogMark now()
        {
            synchronized (CM_ERR)
            {
                return new LogMark(cmLog.events().size(), CM_ERR.size());
            }
        }
    }

    /**
     * @return the CM's log since {@code mark}: its events, a line each, then what it printed to System.err.
     */
    private static String log(final LogMark mark)
    {
        final List<String> messages = cmLog.messages();
        final String events = String.join("\n", messages.subList(mark.events(), messages.size()));
        synchronized (CM_ERR)
        {
            final byte[] err = CM_ERR.toByteArray();
            return events + "\n" + new String(err, mark.errBytes(), err.length - mark.errBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int countOccurrences(final String text, final String what)
    {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1))
        {
            count++;
        }
        return count;
    }

    /**
     * Writes to the real stderr and keeps a copy.
     */
    private static final class TeeStream extends OutputStream
    {
        private final OutputStream first;
        private final ByteArrayOutputStream copy;

        TeeStream(final OutputStream first, final ByteArrayOutputStream copy)
        {
            this.first = first;
            this.copy = copy;
        }

        public void write(final int b) throws IOException
        {
            first.write(b);
            synchronized (copy)
            {
                copy.write(b);
            }
        }

        public void write(final byte[] bytes, final int offset, final int length) throws IOException
        {
            first.write(bytes, offset, length);
            synchronized (copy)
            {
                copy.write(bytes, offset, length);
            }
        }

        public void flush() throws IOException
        {
            first.flush();
        }
    }
}
