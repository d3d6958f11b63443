package io.switchboard.cm.supervisor;

import ch.qos.logback.classic.Level;
import io.switchboard.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's output in the CM's log: a line per event, tagged with slot and pid; bounded whatever the worker
 * writes; the relay ends with the stream.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkerOutputRelayTest
{
    @Test
    void shouldLogEachLineTaggedWithSlotAndPid()
    {
        try (LogCapture log = LogCapture.of(WorkerOutputRelay.LOGGER_NAME, Level.INFO))
        {
            relay("started\r\nserving on slot 3\n\nlast words without a newline", new WorkerOutputTag(3), 64);
            assertEquals(List.of(
                "worker[slot=3 pid=4242] started",
                "worker[slot=3 pid=4242] serving on slot 3",
                "worker[slot=3 pid=4242] ",
                "worker[slot=3 pid=4242] last words without a newline"), log.messages());
            assertTrue(log.events().stream().allMatch(event -> event.getLevel() == Level.INFO));
        }
    }

    @Test
    void shouldCutALineLongerThanTheLimitIntoMarkedPieces()
    {
        try (LogCapture log = LogCapture.of(WorkerOutputRelay.LOGGER_NAME, Level.INFO))
        {
            // a worker printing without newlines: 10 pieces' worth, then a normal line
            relay("x".repeat(10 * 64 + 5) + "\nnext\n", new WorkerOutputTag(0), 64);
            final List<String> messages = log.messages();
            assertEquals(12, messages.size(), messages.toString());
            for (int i = 0; i < 10; i++)
            {
                assertEquals("worker[slot=0 pid=4242] " + "x".repeat(64) + " [line cut at 64 bytes]", messages.get(i));
            }
            assertEquals("worker[slot=0 pid=4242] xxxxx", messages.get(10));
            assertEquals("worker[slot=0 pid=4242] next", messages.get(11));
        }
    }

    @Test
    void shouldNameTheSlotOfASpareOnceItIsHandedOne() throws Exception
    {
        try (LogCapture log = LogCapture.of(WorkerOutputRelay.LOGGER_NAME, Level.INFO);
             PipedOutputStream worker = new PipedOutputStream();
             PipedInputStream cm = new PipedInputStream(worker))
        {
            final WorkerOutputTag tag = new WorkerOutputTag(WorkerOutputTag.SPARE);
            final Thread relay = WorkerOutputRelay.start(cm, "stderr", tag, 4242);
            worker.write(ascii("loaded, waiting for a slot\n"));
            worker.flush();
            awaitMessages(log, 1);
            tag.assign(1);
            worker.write(ascii("attached\n"));
            worker.close();
            relay.join();
            assertEquals(List.of("worker[spare pid=4242] loaded, waiting for a slot", "worker[slot=1 pid=4242] attached"),
                log.messages());
            assertTrue(relay.isDaemon());
        }
    }

    @Test
    void shouldRelayBothStreamsOfARealProcessAndEndWithIt() throws Exception
    {
        try (LogCapture log = LogCapture.of(WorkerOutputRelay.LOGGER_NAME, Level.INFO))
        {
            final Process process = new JvmWorkerProcesses().start(
                List.of("/bin/sh", "-c", "echo to stdout; echo to stderr >&2"), new WorkerOutputTag(2));
            assertEquals(0, process.waitFor());
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                if (thread.getName().startsWith("switchboard-worker-" + process.pid() + "-"))
                {
                    thread.join();
                }
            }
            final List<String> messages = log.messages();
            assertTrue(messages.contains("worker[slot=2 pid=" + process.pid() + "] to stdout"), messages.toString());
            assertTrue(messages.contains("worker[slot=2 pid=" + process.pid() + "] to stderr"), messages.toString());
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().startsWith("switchboard-worker-" + process.pid() + "-")),
                "a relay outlived its process");
        }
    }

    private static void relay(final String output, final WorkerOutputTag tag, final int maxLineBytes)
    {
        final InputStream in = new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8));
        new WorkerOutputRelay(in, "stdout", tag, 4242, maxLineBytes).run();
    }

    private static void awaitMessages(final LogCapture log, final int count)
    {
        while (log.messages().size() < count)
        {
            if (Thread.interrupted())
            {
                throw new AssertionError("timed out waiting for " + count + " lines: " + log.messages());
            }
            Thread.yield();
        }
    }

    private static byte[] ascii(final String text) throws IOException
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
