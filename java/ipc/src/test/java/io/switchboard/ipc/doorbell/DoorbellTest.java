package io.switchboard.ipc.doorbell;

import io.switchboard.ipc.signal.SpinParkIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.switchboard.ipc.memory.SharedBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoorbellTest
{
    private static final int CHANNELS = 130;

    private final SharedBuffer memory = SharedBuffer.allocateNative(DoorbellDescriptor.length(CHANNELS), 64);
    private final Doorbell doorbell = new Doorbell(memory, 0, CHANNELS);

    @Test
    void shouldReportEachRungChannelOnceAndClearIt()
    {
        doorbell.ring(0);
        doorbell.ring(64);
        doorbell.ring(129);
        doorbell.ring(64);
        assertTrue(doorbell.isSatisfied());

        final List<Integer> ready = new ArrayList<>();
        assertEquals(3, doorbell.poll(channel ->
        {
            ready.add(channel);
            return 1;
        }));
        assertEquals(List.of(0, 64, 129), ready);
        assertFalse(doorbell.isSatisfied());
        assertEquals(0, doorbell.poll(channel -> 1));
    }

    @Test
    void shouldRingAgainForAFrameThatArrivesWhileTheChannelIsDrained()
    {
        doorbell.ring(7);
        final List<Integer> ready = new ArrayList<>();
        doorbell.poll(channel ->
        {
            ready.add(channel);
            doorbell.ring(7); // a producer publishes during the drain
            return 1;
        });
        assertEquals(List.of(7), ready);
        assertTrue(doorbell.isSatisfied());
    }

    @Test
    void shouldIgnoreBitsBeyondTheChannelCount()
    {
        memory.putLong(DoorbellDescriptor.wordOffset(128), -1L);
        final BitSet seen = new BitSet();
        doorbell.poll(channel ->
        {
            seen.set(channel);
            return 1;
        });
        assertEquals(2, seen.cardinality());
        assertTrue(seen.get(128) && seen.get(129));
    }

    @Test
    @Timeout(60)
    void shouldNeverLoseARingWhileTheConsumerParks() throws InterruptedException
    {
        // producers count what they announced; the consumer parks whenever it sees no bit,
        // with a park timeout far longer than the test, so a lost wake-up hangs and fails it
        final int producers = 2;
        final int ringsPerProducer = 50_000;
        final AtomicLongArray announced = new AtomicLongArray(CHANNELS);
        final long[] seen = new long[CHANNELS];
        final SpinParkIdleStrategy idle = SpinParkIdleStrategy.parkAlways(doorbell.eventCount(), doorbell, 60_000_000_000L);

        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final int base = p * 50;
            final Thread producer = new Thread(() ->
            {
                for (int i = 0; i < ringsPerProducer; i++)
                {
                    final int channel = base + (i % 50);
                    announced.incrementAndGet(channel);
                    doorbell.ring(channel);
                    if ((i & 255) == 0)
                    {
                        Thread.yield();
                    }
                }
            });
            threads.add(producer);
            producer.start();
        }

        final long total = (long)producers * ringsPerProducer;
        long accounted = 0;
        while (accounted < total)
        {
            final int work = doorbell.poll(channel ->
            {
                final long now = announced.get(channel);
                final int delta = (int)(now - seen[channel]);
                seen[channel] = now;
                return delta;
            });
            accounted = 0;
            for (int c = 0; c < CHANNELS; c++)
            {
                accounted += seen[c];
            }
            idle.idle(work);
        }

        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertEquals(total, accounted);
        assertTrue(idle.parks() > 0, "the consumer never parked: the test proved nothing about wake-ups");
    }
}
