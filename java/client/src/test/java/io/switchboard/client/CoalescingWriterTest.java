package io.switchboard.client;

import static io.switchboard.client.RecordingStream.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.SessionLostException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The writer's own job: one flusher, frames sent meanwhile written together, in order. What it holds back and when is
 * {@link HoldPolicyTest}'s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CoalescingWriterTest
{
    @Test
    void shouldWriteALoneSendersFrameAtOnce()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });

        send(writer, "one");
        send(writer, "two");

        assertEquals(List.of("one", "two"), out.writes());
        assertEquals(2, writer.framesSent());
    }

    @Test
    void shouldHaveTheFlusherWriteWhatWasSentWhileItWrote() throws Exception
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });
        out.entered = new CountDownLatch(1);
        out.proceed = new CountDownLatch(1);
        final CountDownLatch entered = out.entered;

        final Thread flusher = TestThreads.start(() -> send(writer, "first"));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        send(writer, "second");
        send(writer, "third");
        // a delivery ending finds a flusher at work and leaves the frames to it
        writer.holdPolicy().deliveryStarted();
        send(writer, "fourth");
        writer.holdPolicy().deliveryEnded();
        out.proceed.countDown();
        flusher.join();

        assertEquals(List.of("first", "secondthirdfourth"), out.writes());
        assertEquals(2, writer.counters()[0]);
        assertEquals(4, writer.counters()[1]);
    }

    @Test
    void shouldWriteWhatADeliveryInProgressHeldBackWhenClosing()
    {
        final RecordingStream out = new RecordingStream();
        final boolean[] closedAfterWrite = new boolean[1];
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { },
            () -> closedAfterWrite[0] = out.writes().contains("goodbye"));

        writer.holdPolicy().deliveryStarted();
        send(writer, "goodbye");
        writer.close();
        writer.holdPolicy().deliveryEnded();

        assertEquals(List.of("goodbye"), out.writes());
        assertTrue(closedAfterWrite[0], "written before the connection was told to close");
    }

    @Test
    void shouldFailTheSessionAndLaterSendsWhenAWriteFails()
    {
        final RecordingStream out = new RecordingStream();
        final AtomicReference<IOException> reported = new AtomicReference<>();
        final CoalescingWriter writer = new CoalescingWriter(out, reported::set, () -> { });
        out.failure = new IOException("Broken pipe");

        final SessionLostException thrown = assertThrows(SessionLostException.class, () -> send(writer, "a"));

        assertTrue(thrown.getMessage().contains("Broken pipe"), thrown.getMessage());
        assertSame(out.failure, reported.get());
        final SessionLostException later = assertThrows(SessionLostException.class, () -> send(writer, "b"));
        assertTrue(later.getMessage().contains("closed"), later.getMessage());
    }

    @Test
    void shouldFailTheSessionWhenAHeldBackWriteFails()
    {
        final RecordingStream out = new RecordingStream();
        final AtomicReference<IOException> reported = new AtomicReference<>();
        final CoalescingWriter writer = new CoalescingWriter(out, reported::set, () -> { });

        writer.holdPolicy().deliveryStarted();
        send(writer, "lost");
        out.failure = new IOException("Connection reset by peer");
        writer.holdPolicy().deliveryEnded();

        assertSame(out.failure, reported.get());
        final SessionLostException thrown = assertThrows(SessionLostException.class, () -> send(writer, "after"));
        assertTrue(thrown.getMessage().contains("closed"), thrown.getMessage());
    }
}
