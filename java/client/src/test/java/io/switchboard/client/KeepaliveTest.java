package io.switchboard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.SessionLostException;
import io.switchboard.testsupport.LogCapture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepaliveTest
{
    private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long START_NS = 5_000_000_000L;

    private long framesSent;
    private long reads;
    private final List<CompletableFuture<Void>> pings = new ArrayList<>();
    private final AtomicReference<IOException> dead = new AtomicReference<>();
    private final Keepalive keepalive = new Keepalive("test-session", INTERVAL_NS, () -> framesSent, () -> reads,
        this::ping, dead::set, START_NS);

    private CompletableFuture<Void> ping()
    {
        final CompletableFuture<Void> pong = new CompletableFuture<>();
        pings.add(pong);
        framesSent++;
        return pong;
    }

    @Test
    void shouldPingAQuietSessionOnceTheIntervalIsOver()
    {
        assertTrue(keepalive.look(START_NS + INTERVAL_NS - 1));
        assertEquals(0, pings.size(), "not quiet for long enough yet");

        assertTrue(keepalive.look(START_NS + INTERVAL_NS));
        assertEquals(1, pings.size());

        assertTrue(keepalive.look(START_NS + INTERVAL_NS + INTERVAL_NS / 2));
        assertEquals(1, pings.size(), "one PING at a time");
        assertNull(dead.get());
    }

    @Test
    void shouldNotPingWhileFramesGoEitherWay()
    {
        framesSent++;
        assertTrue(keepalive.look(START_NS + INTERVAL_NS / 2));
        assertTrue(keepalive.look(START_NS + INTERVAL_NS));
        reads++;
        assertTrue(keepalive.look(START_NS + INTERVAL_NS + INTERVAL_NS / 2));
        assertTrue(keepalive.look(START_NS + 2 * INTERVAL_NS));
        assertEquals(0, pings.size(), "a frame either way restarts the quiet");

        assertTrue(keepalive.look(START_NS + INTERVAL_NS + INTERVAL_NS / 2 + INTERVAL_NS));
        assertEquals(1, pings.size(), "quiet for an interval since the last frame received");
    }

    @Test
    void shouldPingAgainAfterAnotherQuietIntervalOnceAnswered()
    {
        long nowNs = START_NS + INTERVAL_NS;
        assertTrue(keepalive.look(nowNs));
        assertEquals(1, pings.size());

        reads++;
        pings.get(0).complete(null);
        nowNs += INTERVAL_NS / 4;
        assertTrue(keepalive.look(nowNs));
        assertTrue(keepalive.look(nowNs + INTERVAL_NS - 1));
        assertEquals(1, pings.size());
        assertTrue(keepalive.look(nowNs + INTERVAL_NS));
        assertEquals(2, pings.size());
        assertTrue(keepalive.look(nowNs + 2 * INTERVAL_NS - 1), "the second PING is not overdue yet");
        assertNull(dead.get());
    }

    @Test
    void shouldTakeAnyFrameReceivedAfterAPingAsAnAnswer()
    {
        assertTrue(keepalive.look(START_NS + INTERVAL_NS));
        reads++;

        assertTrue(keepalive.look(START_NS + 2 * INTERVAL_NS));

        assertNull(dead.get(), "the peer is alive, though its PONG is not in yet");
    }

    @Test
    void shouldEndTheSessionWhenNothingAnswersAPingWithinAnInterval()
    {
        try (LogCapture log = LogCapture.of(Keepalive.class))
        {
            assertTrue(keepalive.look(START_NS + INTERVAL_NS));
            assertTrue(keepalive.look(START_NS + 2 * INTERVAL_NS - 1));
            assertNull(dead.get());

            assertFalse(keepalive.look(START_NS + 2 * INTERVAL_NS), "no more looks");

            final String message = dead.get().getMessage();
            assertTrue(message.contains("no frame from the CM within 30000 ms of a PING"), message);
            assertTrue(message.contains("after 30000 ms with no frames either way"), message);
            assertTrue(message.contains("taken as dead"), message);
            assertTrue(log.contains("test-session: no frame from the CM"), log.messages().toString());
        }
    }

    @Test
    void shouldStopLookingOnceTheSessionIsOver()
    {
        assertTrue(keepalive.look(START_NS + INTERVAL_NS));
        pings.get(0).completeExceptionally(new SessionLostException("SESSION_LOST: test-session ended"));

        assertFalse(keepalive.look(START_NS + INTERVAL_NS + 1));
        assertNull(dead.get(), "a session that ended is not a dead connection");
    }

    @Test
    void shouldRefuseAnIntervalItCannotLookAtInQuarters()
    {
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
            () -> new Keepalive("s", 3, () -> 0, () -> 0, CompletableFuture::new, ex -> { }, 0));
        assertTrue(thrown.getMessage().contains("intervalNs=3"), thrown.getMessage());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Over a socket
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void shouldKeepAQuietSessionAliveWithPingsTheCmAnswers() throws Exception
    {
        // long enough that a loaded machine answers within it
        try (FakeCm cm = new FakeCm(true);
             Session session = Switchboard.connect("127.0.0.1", cm.port(), "test-app",
                 ClientOptions.defaults().withPingInterval(Duration.ofMillis(200))))
        {
            assertTrue(cm.helloRead.await(10, TimeUnit.SECONDS));
            assertEquals(200L, cm.helloOptions.get(Handshake.PING_INTERVAL_MS), "the CM is told the interval");

            cm.threePings.await();

            assertTrue(session.isOpen(), "answered PINGs keep it open");
        }
    }

    @Test
    void shouldEndTheSessionAndFailItsCallsWhenTheCmAnswersNoPing() throws Exception
    {
        try (FakeCm cm = new FakeCm(false);
             Session session = Switchboard.connect("127.0.0.1", cm.port(), "test-app",
                 ClientOptions.defaults().withPingInterval(Duration.ofMillis(20)).withDefaultDeadline(Duration.ZERO)))
        {
            // a call without a deadline would wait forever on a connection that died quietly (or, should this
            // thread be slow to make it, it finds the session over, for the same reason)
            final SessionLostException thrown = assertThrows(SessionLostException.class,
                () -> session.lookup("echo", ClientApi.Echo.class));

            assertTrue(thrown.getMessage().contains("taken as dead"), thrown.getMessage());
            assertTrue(cm.pings.get() >= 1);
            assertFalse(session.isOpen());
        }
    }

    @Test
    void shouldNotOfferAnIntervalWhenTheKeepaliveIsOff() throws Exception
    {
        try (FakeCm cm = new FakeCm(true);
             Session session = Switchboard.connect("127.0.0.1", cm.port(), "test-app",
                 ClientOptions.defaults().withPingInterval(Duration.ZERO)))
        {
            assertTrue(cm.helloRead.await(10, TimeUnit.SECONDS));
            assertFalse(cm.helloOptions.containsKey(Handshake.PING_INTERVAL_MS), cm.helloOptions.toString());
            assertTrue(session.isOpen());
        }
    }
}
