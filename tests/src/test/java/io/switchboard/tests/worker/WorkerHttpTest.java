package io.switchboard.tests.worker;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real worker JVM hosting the demo application, driven over shared memory by
 * the test in the CM's role: the channel protocol end to end, before the CM's
 * HTTP side exists.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerHttpTest
{
    private static final int RING_CAPACITY = 64 * 1024;
    private static MiniCm cm;

    @BeforeAll
    static void startWorker()
    {
        cm = new MiniCm(128, RING_CAPACITY);
    }

    @AfterAll
    static void stopWorker()
    {
        if (cm != null)
        {
            cm.close();
        }
    }

    @Test
    void shouldAnswerHello()
    {
        final MiniCm.Response response = cm.get("demo", "/hello");
        assertEquals(200, response.head().status());
        assertEquals(13, response.head().contentLength());
        assertTrue(response.head().headers().contains(new HttpHeader("Content-Type", "text/plain")));
        assertEquals("Hello, world!", response.text());
        assertEquals(HttpFrameType.RESPONSE_END, response.lastFrameType());
        assertEquals(0, cm.channels().inUseCount());
    }

    @Test
    void shouldAnswerWhoAmIWithTheWorkersPid()
    {
        assertEquals(Long.toString(cm.workerPid()), cm.get("demo", "/whoami").text());
    }

    @Test
    void shouldStreamADownloadManyTimesTheRing()
    {
        final int n = 10 * 1024 * 1024 + 7;
        final MiniCm.Response response = cm.get("demo", "/bytes?n=" + n);
        assertEquals(200, response.head().status());
        assertEquals(n, response.head().contentLength());
        assertEquals(n, response.body().length);
        assertEquals('a', response.body()[0]);
        assertEquals((byte)('a' + (n - 1) % (64 * 1024) % 26), response.body()[n - 1]);
    }

    @Test
    void shouldEchoAnUploadManyTimesTheRing()
    {
        final byte[] body = new byte[3 * 1024 * 1024 + 1];
        new Random(1).nextBytes(body);
        final long id = cm.open();
        final ChannelEnd end = cm.end(id);
        cm.sendHead(end, "demo", "POST", "/echo", body.length, true, "Host", "localhost");
        final MiniCm.Response response = cm.exchange(id, end, body);
        assertEquals(200, response.head().status());
        assertEquals(body.length, response.head().contentLength());
        assertArrayEquals(body, response.body());
    }

    @Test
    void shouldAnswer500WithoutInternalsWhenTheHandlerThrows()
    {
        final MiniCm.Response response = cm.get("failing", "/before");
        assertEquals(500, response.head().status());
        assertFalse(response.text().contains(FailingApplication.SECRET), response.text());
        assertEquals(HttpFrameType.RESPONSE_END, response.lastFrameType());

        final MiniCm.Response partial = cm.get("failing", "/after");
        assertEquals(200, partial.head().status());
        assertEquals("partial", partial.text());
        assertEquals(HttpFrameType.RESPONSE_ABORT, partial.lastFrameType(), "the CM must close the connection");

        assertEquals("Hello, world!", cm.get("demo", "/hello").text(), "the worker lives on");
    }

    @Test
    void shouldAnswer404ForAnUnknownApplicationOrPath()
    {
        assertEquals(404, cm.get("nonesuch", "/hello").head().status());
        assertEquals(404, cm.get("demo", "/nonesuch").head().status());
    }

    @Test
    void shouldStopAStreamingHandlerWhenTheRequestIsCancelled()
    {
        final long id = cm.open();
        final ChannelEnd end = cm.end(id);
        cm.sendHead(end, "demo", "GET", "/sleep?ms=600000", 0, false, "Host", "localhost");
        cm.cancel(id, end);
        // the handler would sleep ten minutes, longer than the test may run: an answer at all means it stopped
        final MiniCm.Response response = cm.exchange(id, end, new byte[0]);
        assertTrue(response.lastFrameType() == HttpFrameType.RESPONSE_ABORT ||
            response.lastFrameType() == HttpFrameType.RESPONSE_END);
    }

    @Test
    void shouldServeManyChannelsAtOnce()
    {
        final int requests = 100;
        final Map<Integer, Long> open = new HashMap<>();
        final Map<Integer, ChannelEnd> ends = new HashMap<>();
        for (int i = 0; i < requests; i++)
        {
            final long id = cm.open();
            final ChannelEnd end = cm.end(id);
            cm.sendHead(end, "demo", "GET", "/sleep?ms=200", 0, false, "Host", "localhost");
            open.put(ChannelId.slot(id), id);
            ends.put(ChannelId.slot(id), end);
        }

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int done = 0;
        final int[] ended = new int[1];
        while (done < requests && System.nanoTime() - deadlineNs < 0)
        {
            cm.doorbellPoll(slot ->
            {
                final ChannelEnd end = ends.get(slot);
                ended[0] = 0;
                end.reader().read((buffer, offset, length, type, flags) ->
                {
                    if (type == HttpFrameType.RESPONSE_END)
                    {
                        ended[0] = 1;
                    }
                }, Integer.MAX_VALUE);
                if (ended[0] == 1)
                {
                    cm.retire(open.remove(slot), end);
                }
                return 1;
            });
            done = requests - open.size();
            Thread.onSpinWait();
        }

        assertEquals(requests, done, "responses missing for channels " + open.keySet());
        assertEquals(0, cm.channels().inUseCount());
        assertEquals("slept 200 ms\n", new String(cm.get("demo", "/sleep?ms=200").body(), StandardCharsets.US_ASCII));
    }
}
