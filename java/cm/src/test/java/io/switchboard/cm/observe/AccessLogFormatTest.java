package io.switchboard.cm.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.cm.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogFormatTest
{
    /** 2026-12-02T15:53:24.123Z */
    private static final long EPOCH_MS = 1_796_226_804_123L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LogClock clock = new LogClock();
    private final LineBuffer line = new LineBuffer(64);

    private static RequestEvent event(final String method, final byte[] target)
    {
        final RequestEvent event = new RequestEvent();
        event.clear(RequestEvent.HTTP_EXCHANGE);
        event.epochMs = EPOCH_MS;
        final byte[] m = method.getBytes(StandardCharsets.US_ASCII);
        event.method(m, 0, m.length);
        event.methodOrdinal = HttpMethod.GET.ordinal();
        event.target(target, 0, target.length);
        event.versionMinor = 1;
        event.status = 200;
        event.sentBytes = 136;
        event.receivedBytes = 78;
        event.durationNs = 412_999;
        event.queueWaitNs = 3_000;
        event.workerSlot = 1;
        event.application = "demo";
        event.clientAddress(new byte[] {127, 0, 0, 1}, 4, 51234);
        return event;
    }

    private String write(final AccessLogFormat format, final RequestEvent event)
    {
        line.clear();
        format.write(event, clock, line);
        return new String(line.array(), 0, line.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldWriteTheCombinedFormat()
    {
        final RequestEvent event = event("GET", ascii("/hello?x=1"));
        final byte[] ua = ascii("curl/8.5.0");
        event.userAgent(ua, 0, ua.length);

        assertEquals("127.0.0.1 - - [02/Dec/2026:15:53:24 +0000] \"GET /hello?x=1 HTTP/1.1\" 200 136 \"-\" \"curl/8.5.0\"\n",
            write(AccessLogFormat.COMBINED, event));
    }

    @Test
    void shouldEscapeNonPrintableBytesQuotesAndBackslashesInTheCombinedFormat()
    {
        final RequestEvent event = event("GET", new byte[] {'/', 'a', 0x01, '"', '\\', (byte)0xE9, 0x7F, '\n'});
        final byte[] referer = {'r', '"', 0x1B};
        event.referer(referer, 0, referer.length);

        final String text = write(AccessLogFormat.COMBINED, event);

        assertEquals("127.0.0.1 - - [02/Dec/2026:15:53:24 +0000] \"GET /a\\x01\\x22\\x5c\\xe9\\x7f\\x0a HTTP/1.1\" 200 136 " +
            "\"r\\x22\\x1b\" \"-\"\n", text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line, whatever the client sent");
    }

    @Test
    void shouldCutTheTargetAtOneKibAndSaySo()
    {
        final byte[] target = new byte[5000];
        java.util.Arrays.fill(target, (byte)'a');
        target[0] = '/';
        final RequestEvent event = event("GET", target);

        final String text = write(AccessLogFormat.COMBINED, event);

        assertTrue(text.contains("\"GET /" + "a".repeat(RequestEvent.TARGET_MAX_LENGTH - 1) + "... HTTP/1.1\""), text);
    }

    @Test
    void shouldWriteADashForAnUnknownRequestLineAndClient()
    {
        final RequestEvent event = new RequestEvent();
        event.clear(RequestEvent.HTTP_EXCHANGE);
        event.epochMs = EPOCH_MS;
        event.status = 503;

        assertEquals("- - - [02/Dec/2026:15:53:24 +0000] \"-\" 503 0 \"-\" \"-\"\n", write(AccessLogFormat.COMBINED, event));
    }

    @Test
    void shouldWriteIpv6AddressesInFull()
    {
        final RequestEvent event = event("GET", ascii("/"));
        final byte[] loopback = new byte[16];
        loopback[15] = 1;
        event.clientAddress(loopback, 16, 1);

        assertTrue(write(AccessLogFormat.COMBINED, event).startsWith("0:0:0:0:0:0:0:1 - - ["));
    }

    @Test
    void shouldWriteValidJsonWithEveryField() throws Exception
    {
        final RequestEvent event = event("GET", new byte[] {'/', 'x', '"', '\\', 0x00, (byte)0xFF, 0x7F});
        final byte[] id = ascii("req-42");
        event.requestId(id, id.length);
        final byte[] ua = {'u', 0x0A, 'a'};
        event.userAgent(ua, 0, ua.length);

        final String text = write(AccessLogFormat.JSON, event);
        assertTrue(text.endsWith("}\n") && text.indexOf('\n') == text.length() - 1, text);
        final JsonNode json = JSON.readTree(text);

        assertEquals("2026-12-02T15:53:24.123Z", json.get("time").asText());
        assertEquals("127.0.0.1", json.get("client").asText());
        assertEquals(51234, json.get("client_port").asInt());
        assertEquals("req-42", json.get("request_id").asText());
        assertEquals("GET", json.get("method").asText());
        assertEquals("/x\"\\\u0000\u00ff\u007f", json.get("target").asText());
        assertEquals("HTTP/1.1", json.get("protocol").asText());
        assertEquals(200, json.get("status").asInt());
        assertEquals(136, json.get("bytes_sent").asLong());
        assertEquals(78, json.get("bytes_received").asLong());
        assertEquals(412, json.get("duration_us").asLong());
        assertEquals(3, json.get("queue_wait_us").asLong());
        assertEquals(1, json.get("worker").asInt());
        assertEquals("demo", json.get("application").asText());
        assertTrue(json.get("referer").isNull());
        assertEquals("u\na", json.get("user_agent").asText());
        assertEquals(false, json.get("target_truncated").asBoolean());
    }

    @Test
    void shouldWriteNullsForWhatIsUnknownInJson() throws Exception
    {
        final RequestEvent event = new RequestEvent();
        event.clear(RequestEvent.HTTP_EXCHANGE);
        event.epochMs = EPOCH_MS;
        event.status = 400;

        final JsonNode json = JSON.readTree(write(AccessLogFormat.JSON, event));

        for (final String field : new String[] {"client", "request_id", "method", "target", "protocol", "queue_wait_us",
            "worker", "application", "referer", "user_agent"})
        {
            assertTrue(json.get(field).isNull(), field + " in " + json);
        }
        assertEquals(400, json.get("status").asInt());
    }

    @Test
    void shouldKeepTheSecondPrefixAcrossMillisecondsAndRollOver()
    {
        final RequestEvent event = event("GET", ascii("/"));
        event.epochMs = EPOCH_MS + 876;   // .999
        assertTrue(write(AccessLogFormat.JSON, event).startsWith("{\"time\":\"2026-12-02T15:53:24.999Z\""));
        event.epochMs = EPOCH_MS + 877;   // the next second
        assertTrue(write(AccessLogFormat.JSON, event).startsWith("{\"time\":\"2026-12-02T15:53:25.000Z\""));
        assertTrue(write(AccessLogFormat.COMBINED, event).contains("[02/Dec/2026:15:53:25 +0000]"));
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
