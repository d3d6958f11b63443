package io.switchboard.ipc.signal;

import org.junit.jupiter.api.Test;

import io.switchboard.ipc.memory.SharedBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpinParkIdleStrategyTest
{
    private final SharedBuffer memory = SharedBuffer.allocateNative(128, 64);
    private final EventCount eventCount = new EventCount(memory, 0);

    @Test
    void shouldParkAtOnceWithoutBudgetAndReportTheTimeout()
    {
        final SpinParkIdleStrategy idle = SpinParkIdleStrategy.parkAlways(eventCount, () -> false, 1_000_000L);
        assertEquals(IdleStrategy.TIMED_OUT, idle.idle(0));
        assertEquals(1, idle.parks());
        assertEquals(0, eventCount.waiterCount());
    }

    @Test
    void shouldNotSleepWhenTheConditionHoldsAfterAnnouncing()
    {
        final SpinParkIdleStrategy idle = SpinParkIdleStrategy.parkAlways(eventCount, () -> true, 10_000_000_000L);
        assertEquals(IdleStrategy.POLL, idle.idle(0));
        assertEquals(0, idle.parks());
        assertEquals(0, eventCount.waiterCount());
    }

    @Test
    void shouldHalveTheSpinBudgetWhenTheSpinWasWastedAndDoubleItWhenItPaid()
    {
        final SpinParkIdleStrategy idle = new SpinParkIdleStrategy(eventCount, () -> false, 1_000, 64_000, 0, 1_000_000L);
        assertEquals(64_000, idle.spinBudgetNs());

        int result;
        do
        {
            result = idle.idle(0);
        }
        while (result == IdleStrategy.POLL);
        assertEquals(32_000, idle.spinBudgetNs());

        idle.idle(1);
        idle.idle(0); // starts spinning
        idle.idle(1); // work found while spinning
        assertEquals(64_000, idle.spinBudgetNs());
    }

    @Test
    void shouldLengthenParksWhileNothingHappensAndShortenThemOnWork()
    {
        final SpinParkIdleStrategy idle =
            new SpinParkIdleStrategy(eventCount, () -> false, 0, 0, 0, 1_000_000L, 4_000_000L);
        assertEquals(1_000_000L, idle.currentParkTimeoutNs());
        assertEquals(IdleStrategy.TIMED_OUT, idle.idle(0));
        assertEquals(2_000_000L, idle.currentParkTimeoutNs());
        assertEquals(IdleStrategy.TIMED_OUT, idle.idle(0));
        assertEquals(4_000_000L, idle.currentParkTimeoutNs());
        assertEquals(IdleStrategy.TIMED_OUT, idle.idle(0));
        assertEquals(4_000_000L, idle.currentParkTimeoutNs(), "the ceiling");
        assertEquals(3, idle.parks());

        idle.idle(1);
        assertEquals(1_000_000L, idle.currentParkTimeoutNs(), "work resets the park timeout");
    }

    @Test
    void shouldRejectNonsense()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new SpinParkIdleStrategy(eventCount, () -> false, 10, 5, 0, 1));
        assertEquals("minSpinNs=10 maxSpinNs=5 maxYields=0 parkTimeoutNs=1", ex.getMessage());
    }
}
