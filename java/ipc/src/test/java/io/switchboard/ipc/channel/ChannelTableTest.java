package io.switchboard.ipc.channel;

import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SegmentTestSupport;
import io.switchboard.ipc.segment.SharedSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.switchboard.ipc.memory.SharedBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTableTest
{
    private static final int CHANNELS = 64;

    private SharedSegment segment;
    private ChannelTable table;

    @BeforeEach
    void create()
    {
        segment = SegmentTestSupport.create(new SegmentLayout(2, CHANNELS, 1024, 1));
        table = new ChannelTable(segment);
    }

    @AfterEach
    void destroy()
    {
        SegmentTestSupport.destroy(segment);
    }

    @Test
    void shouldHandOutEverySlotOnceThenReportExhaustion()
    {
        final Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < CHANNELS; i++)
        {
            final long id = table.allocate(ChannelKind.HTTP, 1, 0);
            assertNotEquals(ChannelId.NONE, id);
            assertTrue(slots.add(ChannelId.slot(id)));
            assertTrue(table.isOpen(id));
            assertEquals(ChannelKind.HTTP, table.kind(ChannelId.slot(id)));
            assertEquals(1, table.workerSlot(ChannelId.slot(id)));
        }

        assertEquals(ChannelId.NONE, table.allocate(ChannelKind.RPC, 0, 0));
        assertEquals(CHANNELS, table.inUseCount());
    }

    @Test
    void shouldHandOutNoSlotTwiceWhateverAWorkerWritesIntoTheSlotsAndHeader()
    {
        final SharedBuffer memory = segment.memory();
        final List<Long> held = new ArrayList<>();
        for (int i = 0; i < CHANNELS / 2; i++)
        {
            held.add(table.allocate(ChannelKind.HTTP, 1, 0));
        }
        // a rogue worker: the header's reserved words, every slot's reserved word and state, all garbage
        memory.putLong(112, 3L);
        for (int slot = 0; slot < CHANNELS; slot++)
        {
            final long offset = segment.layout().channelSlotOffset(slot);
            memory.putInt(offset + io.switchboard.ipc.segment.ChannelSlotDescriptor.RESERVED_OFFSET, 0);
            memory.putLong(offset + io.switchboard.ipc.segment.ChannelSlotDescriptor.STATE_WORD_OFFSET,
                io.switchboard.ipc.segment.ChannelSlotDescriptor.stateWord(7, ChannelState.OPEN));
        }

        final Set<Integer> slots = new HashSet<>();
        for (final long id : held)
        {
            slots.add(ChannelId.slot(id));
        }
        long id;
        while ((id = table.allocate(ChannelKind.HTTP, 1, 0)) != ChannelId.NONE)
        {
            assertTrue(slots.add(ChannelId.slot(id)), "slot " + ChannelId.slot(id) + " handed out twice");
            assertTrue(table.isOpen(id));
        }
        assertEquals(CHANNELS, slots.size());
        // held channels whose words were rewritten are reclaimed all the same, and say what was wrong
        final String wrong = table.reclaim(held.get(0));
        assertTrue(wrong != null && wrong.contains("generation=7"), wrong);
        assertEquals(ChannelId.slot(held.get(0)), ChannelId.slot(table.allocate(ChannelKind.HTTP, 1, 0)));
    }

    @Test
    void shouldRefuseToAllocateInAProcessThatAttached()
    {
        final SharedSegment attached = SharedSegment.attach(segment.name());
        try
        {
            final IllegalStateException ex = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> new ChannelTable(attached).allocate(ChannelKind.HTTP, 0, 0));
            assertTrue(ex.getMessage().contains("only the CM allocates"), ex.getMessage());
        }
        finally
        {
            attached.close();
        }
    }

    @Test
    void shouldAdvanceTheGenerationSoThatAStaleIdIsDetected()
    {
        final long first = table.allocate(ChannelKind.RPC, 0, 0);
        assertTrue(table.beginClose(first));
        assertFalse(table.beginClose(first), "already CLOSING");
        assertTrue(table.release(first));
        assertFalse(table.release(first), "released twice");
        assertFalse(table.isOpen(first));

        final long second = table.allocate(ChannelKind.HTTP, 0, 0);
        assertEquals(ChannelId.slot(first), ChannelId.slot(second), "LIFO free list reuses the slot");
        assertEquals(ChannelId.generation(first) + 1, ChannelId.generation(second));
        assertFalse(table.isOpen(first));
        assertFalse(table.beginClose(first));
        assertFalse(table.release(first));
        assertTrue(table.isOpen(second));
        assertEquals(ChannelState.OPEN, table.state(ChannelId.slot(second)));
    }

    @Test
    void shouldTellWhenTheWorkerIsDoneWithAGeneration()
    {
        final long first = table.allocate(ChannelKind.HTTP, 0, 0);
        assertFalse(table.isWorkerDone(first), "generation 0 is not done before the worker says so");
        table.markWorkerDone(first);
        assertTrue(table.isWorkerDone(first));
        assertTrue(table.beginClose(first));
        assertTrue(table.isCurrent(first));
        assertTrue(table.release(first));
        assertFalse(table.isCurrent(first));

        final long second = table.allocate(ChannelKind.HTTP, 0, 0);
        assertEquals(ChannelId.slot(first), ChannelId.slot(second));
        assertFalse(table.isWorkerDone(second), "the next generation starts not done");
    }

    @Test
    void shouldDiscardWhatTheRingsStillHoldOnRelease()
    {
        final long id = table.allocate(ChannelKind.HTTP, 0, 0);
        final ChannelEnd cm = ChannelEnd.forCm(segment, ChannelId.slot(id), 0);
        assertTrue(cm.writer().offer(5, SharedBuffer.wrap(new byte[16]), 0, 16));
        assertTrue(table.release(id));

        final long again = table.allocate(ChannelKind.HTTP, 0, 0);
        final ChannelEnd worker = ChannelEnd.forWorker(segment, ChannelId.slot(again), 0);
        assertEquals(0, worker.reader().read((b, o, l, t, f) -> { }, 10));
    }

    @Test
    @Timeout(30)
    void shouldNeverHandOutASlotTwiceUnderContention() throws InterruptedException
    {
        final int threads = 4;
        final int rounds = 100_000;
        final ConcurrentHashMap<Integer, Long> owners = new ConcurrentHashMap<>();
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicInteger exhausted = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong releases = new java.util.concurrent.atomic.AtomicLong();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final long me = t;
            final Thread thread = new Thread(() ->
            {
                awaitQuietly(start);
                final long[] held = new long[CHANNELS / threads + 4];
                for (int round = 0; round < rounds && failure.get() == null; round++)
                {
                    int count = 0;
                    for (int i = 0; i < held.length; i++)
                    {
                        final long id = table.allocate(ChannelKind.HTTP, 0, 0);
                        if (id == ChannelId.NONE)
                        {
                            exhausted.incrementAndGet();
                            break;
                        }
                        final Long previous = owners.putIfAbsent(ChannelId.slot(id), me);
                        if (previous != null)
                        {
                            failure.set("slot " + ChannelId.slot(id) + " handed to thread " + me + " while thread " +
                                previous + " holds it");
                            return;
                        }
                        held[count++] = id;
                    }
                    for (int i = 0; i < count; i++)
                    {
                        owners.remove(ChannelId.slot(held[i]));
                        if (!table.release(held[i]))
                        {
                            failure.set("release failed for " + ChannelId.toString(held[i]));
                            return;
                        }
                        releases.incrementAndGet();
                    }
                }
            });
            workers.add(thread);
            thread.start();
        }

        start.countDown();
        for (final Thread thread : workers)
        {
            thread.join();
        }

        assertNull(failure.get());
        assertEquals(0, table.inUseCount());
        assertTrue(exhausted.get() > 0, "the table never ran out: the test did not contend");
        long generations = 0;
        for (int slot = 0; slot < CHANNELS; slot++)
        {
            generations += ChannelId.generation(table.currentId(slot));
        }
        assertEquals(releases.get(), generations, "every release advances its slot's generation by one");
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
