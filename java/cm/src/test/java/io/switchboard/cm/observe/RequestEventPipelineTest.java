package io.switchboard.cm.observe;

import com.lmax.disruptor.EventHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class RequestEventPipelineTest
{
    @TempDir
    Path dir;

    private static void publish(final RequestEventPublisher publisher, final String target, final int status)
    {
        final long sequence = publisher.claim(RequestEvent.HTTP_EXCHANGE);
        assertTrue(sequence >= 0, "the ring has room");
        final RequestEvent event = publisher.event(sequence);
        final byte[] bytes = target.getBytes(StandardCharsets.US_ASCII);
        event.epochMs = System.currentTimeMillis();
        event.method(new byte[] {'G', 'E', 'T'}, 0, 3);
        event.methodOrdinal = 0;
        event.target(bytes, 0, bytes.length);
        event.versionMinor = 1;
        event.status = status;
        event.application = "demo";
        event.durationNs = 1_000_000;
        publisher.publish(sequence);
    }

    private static List<String> awaitLines(final Path file, final int count) throws Exception
    {
        while (true)
        {
            final List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            if (lines.size() >= count)
            {
                return lines;
            }
            Thread.sleep(5);
        }
    }

    @Test
    void shouldReopenTheAccessLogOnTheHandlerThreadAfterARotation() throws Exception
    {
        final Path log = dir.resolve("access.log");
        final Path rotated = dir.resolve("access.log.1");
        try (RequestEventPipeline pipeline = RequestEventPipeline.start(
            new ObservabilitySettings(true, log, AccessLogFormat.COMBINED, false, 64), ScrapeSources.NONE))
        {
            publish(pipeline.publisher(), "/before", 200);
            awaitLines(log, 1);
            Files.move(log, rotated);

            // still writing to the moved file until it is reopened, as with any daemon and logrotate
            publish(pipeline.publisher(), "/moved", 200);
            awaitLines(rotated, 2);
            assertNull(pipeline.reopenAccessLog(5_000));
            publish(pipeline.publisher(), "/after", 200);

            final List<String> after = awaitLines(log, 1);
            assertEquals(1, after.size());
            assertTrue(after.get(0).contains("\"GET /after HTTP/1.1\" 200"), after.get(0));
            final List<String> before = Files.readAllLines(rotated);
            assertEquals(2, before.size());
            assertTrue(before.get(0).contains("/before") && before.get(1).contains("/moved"), before.toString());
        }
    }

    @Test
    void shouldSayWhyAReopenFailedAndKeepTheOldFile() throws Exception
    {
        final Path sub = Files.createDirectory(dir.resolve("logs"));
        final Path log = sub.resolve("access.log");
        try (RequestEventPipeline pipeline = RequestEventPipeline.start(
            new ObservabilitySettings(true, log, AccessLogFormat.COMBINED, false, 64), ScrapeSources.NONE))
        {
            publish(pipeline.publisher(), "/one", 200);
            awaitLines(log, 1);
            // the directory is gone: the name cannot be opened again
            Files.move(log, dir.resolve("kept.log"));
            Files.delete(sub);

            final String failure = pipeline.reopenAccessLog(5_000);

            assertNotNull(failure);
            assertTrue(failure.contains(log.toString()) && failure.contains("still writing to the file open before"), failure);
            publish(pipeline.publisher(), "/two", 200);
            assertEquals(2, awaitLines(dir.resolve("kept.log"), 2).size());
        }
    }

    @Test
    void shouldDropAndCountEventsWhenTheRingIsFull() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch firstSeen = new CountDownLatch(1);
        final AtomicInteger handled = new AtomicInteger();
        final EventHandler<RequestEvent> blocked = (event, sequence, endOfBatch) ->
        {
            firstSeen.countDown();
            release.await();
            handled.incrementAndGet();
        };
        final RequestEventPipeline pipeline = RequestEventPipeline.startWith(8, blocked);
        try
        {
            final RequestEventPublisher publisher = pipeline.publisher();
            int claimed = 0;
            for (int i = 0; i < 20; i++)
            {
                final long sequence = publisher.claim(RequestEvent.HTTP_EXCHANGE);
                if (sequence >= 0)
                {
                    publisher.publish(sequence);
                    claimed++;
                    if (claimed == 1)
                    {
                        // the handler holds the first event: nothing is freed until it lets go
                        firstSeen.await();
                    }
                }
            }

            assertEquals(8, claimed, "the ring's 8 events, no more, and no wait");
            assertEquals(12, publisher.dropped());
            assertEquals(12, pipeline.droppedEvents());

            release.countDown();
            while (handled.get() < 8)
            {
                Thread.sleep(1);
            }
            // room again once the handler moved on
            final long sequence = publisher.claim(RequestEvent.HTTP_EXCHANGE);
            assertTrue(sequence >= 0);
            publisher.publish(sequence);
            assertEquals(12, publisher.dropped());
        }
        finally
        {
            release.countDown();
            pipeline.close();
        }
    }

    @Test
    void shouldCountRequestsAndRenderTheTrafficSection() throws Exception
    {
        try (RequestEventPipeline pipeline = RequestEventPipeline.start(
            new ObservabilitySettings(false, null, AccessLogFormat.COMBINED, true, 64), ScrapeSources.NONE))
        {
            publish(pipeline.publisher(), "/a", 200);
            publish(pipeline.publisher(), "/b", 200);
            publish(pipeline.publisher(), "/c", 503);

            // the traffic request travels behind the three events: they are counted when it is answered
            final String traffic = pipeline.trafficJson(5_000);
            final com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(traffic);
            assertEquals(3, json.get("requests_total").asLong());
            assertEquals(2, json.get("responses").get("2xx").asLong());
            assertEquals(1, json.get("responses").get("5xx").asLong());
            assertEquals(1000, json.get("latency_us").get("p50").asLong(), 10);
            assertEquals(10, json.get("latency_us").get("window_s").asInt());
            assertEquals(0, json.get("events_dropped_total").asLong());

            final String exposition = new String(pipeline.scrape(), StandardCharsets.UTF_8);
            assertTrue(exposition.contains(
                "switchboard_http_requests_total{application=\"demo\",method=\"GET\",status_class=\"2xx\"} 2"), exposition);
            assertTrue(exposition.contains("switchboard_http_failures_total{code=\"503\"} 1"), exposition);
            assertTrue(exposition.contains("switchboard_request_events_dropped_total 0"), exposition);
        }
    }

    @Test
    void shouldNotPublishAtAllWhenBothAreOff()
    {
        try (RequestEventPipeline pipeline = RequestEventPipeline.start(
            new ObservabilitySettings(false, null, AccessLogFormat.COMBINED, false, 64), ScrapeSources.NONE))
        {
            assertEquals(false, pipeline.publisher().enabled());
            assertEquals(-1, pipeline.publisher().claim(RequestEvent.HTTP_EXCHANGE));
            assertNull(pipeline.scrape());
            assertEquals(0, pipeline.droppedEvents());
        }
    }
}
