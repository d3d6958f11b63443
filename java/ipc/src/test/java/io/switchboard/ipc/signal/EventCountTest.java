package io.switchboard.ipc.signal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.switchboard.ipc.memory.SharedBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCountTest
{
    private final SharedBuffer memory = SharedBuffer.allocateNative(128, 64);
    private final EventCount eventCount = new EventCount(memory, 0);

    @Test
    void shouldMakeNoSystemCallWhenNobodyWaits()
    {
        assertFalse(eventCount.signal());
        assertEquals(0, eventCount.waiterCount());
    }

    @Test
    void shouldReturnAtOnceWhenSignalledBetweenPrepareAndAwait()
    {
        final int key = eventCount.prepareWait();
        assertEquals(1, eventCount.waiterCount());
        assertTrue(eventCount.signal());
        assertTrue(eventCount.await(key, 10_000_000_000L), "the epoch moved: no sleep, no timeout");
        assertEquals(0, eventCount.waiterCount());
    }

    @Test
    void shouldTimeOutWhenNothingComes()
    {
        final int key = eventCount.prepareWait();
        assertFalse(eventCount.await(key, 1_000_000L));
        assertEquals(0, eventCount.waiterCount());
    }

    @Test
    void shouldWithdrawACancelledWaiter()
    {
        eventCount.prepareWait();
        eventCount.cancelWait();
        assertEquals(0, eventCount.waiterCount());
        assertFalse(eventCount.signal());
    }

    @Test
    @Timeout(60)
    void shouldWakeAThreadParkedInTheKernel() throws InterruptedException
    {
        final AtomicInteger value = new AtomicInteger();
        final int rounds = 2_000;
        final Thread waiter = new Thread(() ->
        {
            final SpinParkIdleStrategy idle =
                SpinParkIdleStrategy.parkAlways(eventCount, () -> value.get() % 2 == 1, 60_000_000_000L);
            for (int i = 0; i < rounds; i++)
            {
                while (value.get() % 2 == 0)
                {
                    idle.idle(0);
                }
                value.incrementAndGet();
                idle.idle(1);
            }
        });
        waiter.start();

        for (int i = 0; i < rounds; i++)
        {
            while (value.get() != 2 * i)
            {
                Thread.onSpinWait();
            }
            value.incrementAndGet();
            eventCount.signal();
        }

        waiter.join();
        assertEquals(2 * rounds, value.get());
    }
}
