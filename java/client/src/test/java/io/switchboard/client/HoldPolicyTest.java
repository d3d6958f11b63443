package io.switchboard.client;

import static io.switchboard.client.RecordingStream.send;
import static io.switchboard.client.RecordingStream.sendAwaited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.SessionLostException;
import io.switchboard.rpc.thread.HandlerThreads;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which frames the writer holds back, and that every hold ends; on a clock of the test's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HoldPolicyTest
{
    private final RecordingStream out = new RecordingStream();
    private final long[] nowNs = {1_000_000_000L};
    private final CoalescingWriter writer = new CoalescingWriter(out, failure -> { }, () -> { }, () -> nowNs[0]);
    private final HoldPolicy hold = writer.holdPolicy();

    @Test
    void shouldWriteWhatWasSentDuringADeliveryInOneGoWhenItEnds()
    {
        hold.deliveryStarted();
        send(writer, "a");
        send(writer, "b");
        send(writer, "c");
        assertEquals(List.of(), out.writes(), "held while the leader delivers");

        hold.deliveryEnded();
        assertEquals(List.of("abc"), out.writes(), "one write, in the order sent");

        send(writer, "d");
        assertEquals(List.of("abc", "d"), out.writes(), "sends go straight out again");
    }

    @Test
    void shouldWriteNothingWhenADeliveryEndsWithNothingSent()
    {
        hold.deliveryStarted();
        hold.deliveryEnded();

        assertEquals(List.of(), out.writes());
        assertFalse(hold.isHolding());
    }

    @Test
    void shouldHaveTheLastCallerADeliveryWokeWriteTheirFramesInOneWrite()
    {
        hold.deliveryStarted();
        hold.callerAnswered();
        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "a");
        hold.deliveryEnded();
        assertEquals(List.of(), out.writes(), "two callers are still expected");
        assertTrue(hold.isHolding());

        sendAwaited(writer, "b");
        assertEquals(List.of(), out.writes());
        sendAwaited(writer, "c");
        assertEquals(List.of("abc"), out.writes(), "the last expected caller writes them all");
        assertFalse(hold.isHolding());
    }

    @Test
    void shouldWriteHeldFramesOnceDueWhenTheExpectedCallersDoNotCome()
    {
        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "a");

        nowNs[0] += HoldPolicy.HOLD_NS - 1;
        assertEquals(1, hold.releaseDueInNs());
        assertFalse(hold.releaseIfDue(), "not due yet");
        assertEquals(List.of(), out.writes());
        nowNs[0] += 1;
        assertTrue(hold.releaseIfDue());
        assertEquals(List.of("a"), out.writes());
        assertFalse(hold.isHolding());

        sendAwaited(writer, "b");
        assertEquals(List.of("a", "b"), out.writes(), "the expected callers were given up on");
    }

    @Test
    void shouldNotHoldForAWhileAfterAHoldTimedOut()
    {
        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "a");
        nowNs[0] += HoldPolicy.HOLD_NS;
        assertTrue(hold.releaseIfDue());

        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "b");
        assertEquals(List.of("a", "b"), out.writes(), "no holding while callers here fail to come");

        nowNs[0] += HoldPolicy.NO_HOLD_AFTER_TIMEOUT_NS;
        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "c");
        assertEquals(List.of("a", "b"), out.writes(), "holding again once the pause is over");
        assertTrue(hold.isHolding());
    }

    @Test
    void shouldWriteHeldFramesAtOnceForASenderThatStopsWaiting()
    {
        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "a");

        hold.releaseNow();

        assertEquals(List.of("a"), out.writes());
        assertFalse(hold.isHolding());
    }

    @Test
    void shouldEndTheWaitOfAThreadAboutToSleepOnceTheHeldFramesAreDue()
    {
        final long[] clock = {0};
        // every look at this clock moves it on: the wait ends however the thread is scheduled
        final CoalescingWriter ticking = new CoalescingWriter(out, failure -> { }, () -> { },
            () -> clock[0] += 1_000);
        ticking.holdPolicy().callerAnswered();
        ticking.holdPolicy().callerAnswered();
        sendAwaited(ticking, "a");
        assertTrue(ticking.holdPolicy().isHolding());

        ticking.holdPolicy().awaitRelease();

        assertEquals(List.of("a"), out.writes());
        assertFalse(ticking.holdPolicy().isHolding());
        assertTrue(clock[0] >= HoldPolicy.HOLD_NS, "written once due, at " + clock[0] + " ns");
    }

    @Test
    void shouldNeverHoldAFrameNobodyWaitsForAndLetItTakeTheHeldOnesWithIt()
    {
        hold.callerAnswered();
        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "a");
        assertEquals(List.of(), out.writes());

        send(writer, "async");

        assertEquals(List.of("aasync"), out.writes(), "in the order sent");
        assertFalse(hold.isHolding());
    }

    @Test
    void shouldWriteAtOnceWhenADeliveryCarriedAFrameNobodyWaitsFor()
    {
        hold.deliveryStarted();
        hold.callerAnswered();
        hold.callerAnswered();
        sendAwaited(writer, "a");
        send(writer, "pong");
        hold.deliveryEnded();

        assertEquals(List.of("apong"), out.writes());
        assertFalse(hold.isHolding());
    }

    @Test
    void shouldNeverHoldAVirtualThreadsFrame() throws Exception
    {
        Assumptions.assumeTrue(HandlerThreads.hasVirtualThreads(), "Java " + Runtime.version().feature() +
            " has no virtual threads");
        hold.callerAnswered();
        hold.callerAnswered();
        hold.callerAnswered();

        HandlerThreads.start("virtual-caller", () -> sendAwaited(writer, "v")).join();

        assertEquals(List.of("v"), out.writes(), "a virtual thread never reads, so it could not see to it");
        assertFalse(hold.isHolding());
    }

    @Test
    void shouldHoldNothingOnceAWriteFailed()
    {
        out.failure = new IOException("Broken pipe");
        assertThrows(SessionLostException.class, () -> send(writer, "a"));

        hold.callerAnswered();
        assertFalse(hold.isHolding());
        assertTrue(hold.releaseIfDue());
        assertEquals(List.of(), out.writes());
    }
}
