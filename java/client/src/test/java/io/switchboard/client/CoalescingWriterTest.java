package io.switchboard.client;

import io.switchboard.rpc.SessionLostException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoalescingWriterTest
{
    /**
     * Keeps every write call's bytes apart, so a test sees how frames were grouped into system calls.
     */
    private static final class RecordingStream extends OutputStream
    {
        final List<String> writes = new ArrayList<>();
        volatile CountDownLatch entered;
        volatile CountDownLatch proceed;
        volatile IOException failure;

        @Override
        public void write(final int b)
        {
            throw new UnsupportedOperationException("single bytes are never written");
        }

        @Override
        public void write(final byte[] buffer, final int offset, final int length) throws IOException
        {
            if (failure != null)
            {
                throw failure;
            }
            final CountDownLatch in = entered;
            if (in != null)
            {
                entered = null;
                in.countDown();
                try
                {
                    proceed.await(5, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (writes)
            {
                writes.add(new String(buffer, offset, length, StandardCharsets.US_ASCII));
            }
        }
    }

    private static void send(final CoalescingWriter writer, final String frame)
    {
        final byte[] bytes = ("xx" + frame + "yy").getBytes(StandardCharsets.US_ASCII);
        writer.send(bytes, 2, frame.length());
    }

    @Test
    void aLoneSenderWritesAtOnce()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });

        send(writer, "one");
        send(writer, "two");

        assertEquals(List.of("one", "two"), out.writes);
    }

    @Test
    void framesSentWhileTheLeaderDeliversGoOutTogetherWhenItIsDone()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });

        writer.deferSends();
        send(writer, "a");
        send(writer, "b");
        send(writer, "c");
        assertEquals(List.of(), out.writes, "held while the leader delivers");

        writer.releaseDeferred();
        assertEquals(List.of("abc"), out.writes, "one write, in the order sent");

        send(writer, "d");
        assertEquals(List.of("abc", "d"), out.writes, "sends go straight out again");
        assertEquals(4, writer.counters()[1]);
        assertEquals(2, writer.counters()[0]);
    }

    @Test
    void releasingWithNothingHeldWritesNothing()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });

        writer.deferSends();
        writer.releaseDeferred();

        assertEquals(List.of(), out.writes);
    }

    @Test
    void framesSentWhileAnotherThreadWritesAreWrittenByIt() throws Exception
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });
        out.entered = new CountDownLatch(1);
        out.proceed = new CountDownLatch(1);
        final CountDownLatch entered = out.entered;

        final Thread flusher = Thread.ofPlatform().start(() -> send(writer, "first"));
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        send(writer, "second");
        send(writer, "third");
        // the releasing leader finds a flusher at work and leaves the frames to it
        writer.deferSends();
        send(writer, "fourth");
        writer.releaseDeferred();
        out.proceed.countDown();
        flusher.join(5_000);

        assertEquals(List.of("first", "secondthirdfourth"), out.writes);
    }

    private static void sendAwaited(final CoalescingWriter writer, final String frame)
    {
        final byte[] bytes = ("xx" + frame + "yy").getBytes(StandardCharsets.US_ASCII);
        writer.sendAwaited(bytes, 2, frame.length());
    }

    @Test
    void theCallersWokenByADeliveryCallAgainInOneWrite()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });

        writer.deferSends();
        writer.expectCaller();
        writer.expectCaller();
        writer.expectCaller();
        sendAwaited(writer, "a");
        writer.releaseDeferred();
        assertEquals(List.of(), out.writes, "two callers are still expected");
        assertTrue(writer.isHolding());

        sendAwaited(writer, "b");
        assertEquals(List.of(), out.writes);
        sendAwaited(writer, "c");
        assertEquals(List.of("abc"), out.writes, "the last expected caller writes them all");
        assertFalse(writer.isHolding());
    }

    @Test
    void heldFramesGoOutOnceHeldLongEnoughWhenExpectedCallersDoNotCome() throws Exception
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });
        writer.expectCaller();
        writer.expectCaller();
        sendAwaited(writer, "a");

        assertFalse(writer.flushHeld(TimeUnit.SECONDS.toNanos(60)), "not held that long yet");
        assertEquals(List.of(), out.writes);
        Thread.sleep(2);
        assertTrue(writer.flushHeld(TimeUnit.MILLISECONDS.toNanos(1)));
        assertEquals(List.of("a"), out.writes);

        sendAwaited(writer, "b");
        assertEquals(List.of("a", "b"), out.writes, "the expected callers were given up on");

        writer.expectCaller();
        writer.expectCaller();
        sendAwaited(writer, "c");
        assertEquals(List.of("a", "b", "c"), out.writes, "no holding for a while after callers failed to come");
    }

    @Test
    void aFrameNobodyWaitsForIsNeverHeldAndTakesTheHeldOnesWithIt()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });
        writer.expectCaller();
        writer.expectCaller();
        writer.expectCaller();
        sendAwaited(writer, "a");
        assertEquals(List.of(), out.writes);

        send(writer, "async");
        assertEquals(List.of("aasync"), out.writes, "in the order sent");
    }

    @Test
    void aVirtualThreadsFrameIsNeverHeld() throws Exception
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });
        writer.expectCaller();
        writer.expectCaller();
        writer.expectCaller();

        Thread.ofVirtual().start(() -> sendAwaited(writer, "v")).join();

        assertEquals(List.of("v"), out.writes, "a virtual thread never reads, so it could not see to it");
        assertFalse(writer.isHolding());
    }

    @Test
    void nothingIsHeldOnceAWriteFailed()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });
        out.failure = new IOException("Broken pipe");
        assertThrows(SessionLostException.class, () -> send(writer, "a"));

        assertFalse(writer.isHolding());
        assertTrue(writer.flushHeld(0));
        assertEquals(List.of(), out.writes);
    }

    @Test
    void aDeliveryThatCarriedAFrameNobodyWaitsForWritesAtOnce()
    {
        final RecordingStream out = new RecordingStream();
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { });

        writer.deferSends();
        writer.expectCaller();
        writer.expectCaller();
        sendAwaited(writer, "a");
        send(writer, "pong");
        writer.releaseDeferred();

        assertEquals(List.of("apong"), out.writes);
        assertFalse(writer.isHolding());
    }

    @Test
    void closingWritesWhatADeliveryInProgressHeldBack()
    {
        final RecordingStream out = new RecordingStream();
        final boolean[] closedAfterWrite = new boolean[1];
        final CoalescingWriter writer = new CoalescingWriter(out, failure -> { },
            () -> closedAfterWrite[0] = out.writes.contains("goodbye"));

        writer.deferSends();
        send(writer, "goodbye");
        writer.close();
        writer.releaseDeferred();

        assertEquals(List.of("goodbye"), out.writes);
        assertTrue(closedAfterWrite[0], "written before the connection was told to close");
    }

    @Test
    void aFailedDeferredWriteFailsTheSessionAndLaterSends()
    {
        final RecordingStream out = new RecordingStream();
        final AtomicReference<IOException> reported = new AtomicReference<>();
        final CoalescingWriter writer = new CoalescingWriter(out, reported::set, () -> { });

        writer.deferSends();
        send(writer, "lost");
        out.failure = new IOException("Connection reset by peer");
        writer.releaseDeferred();

        assertSame(out.failure, reported.get());
        final SessionLostException thrown = assertThrows(SessionLostException.class, () -> send(writer, "after"));
        assertTrue(thrown.getMessage().contains("closed"), thrown.getMessage());
    }
}
