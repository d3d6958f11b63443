package io.switchboard.ipc.doorbell;

import io.switchboard.ipc.SharedMemory;
import io.switchboard.ipc.signal.EventCount;
import io.switchboard.ipc.signal.WakeCondition;

import io.switchboard.ipc.memory.SharedBuffer;


/**
 * Tells one consumer (a worker, or a CM relay thread) which channels have new
 * frames, so that it never scans them all; lets it sleep when none has.
 * Layout in {@link DoorbellDescriptor}.
 * <p>
 * Each channel has one bit. A producer that published to channel {@code i}
 * calls {@link #ring(int)}, which sets the bit with an atomic OR; if the bit
 * was already set the consumer has yet to take it (and whoever set it woke the
 * consumer if needed), so nothing more is done; otherwise it signals the
 * eventcount, which makes a system call only if the consumer sleeps. The
 * consumer takes a whole word of bits with one atomic swap to zero
 * <em>before</em> draining those channels, so a frame published after the swap
 * rings again and none is missed. A channel's bit is set at most once, so the
 * doorbell cannot overflow, and a producer that dies halfway leaves no
 * half-written entry behind.
 * <p>
 * Thread safety: {@link #ring(int)} from any thread of any process;
 * {@link #poll(ReadyChannelHandler)} and the idle strategy's wait from one
 * consumer thread.
 */
public final class Doorbell implements WakeCondition
{
    private final SharedBuffer memory;
    private final long offset;
    private final long bitmapOffset;
    private final int wordCount;
    private final int channelCount;
    private final EventCount eventCount;

    /**
     * @param memory       the segment.
     * @param offset       where the doorbell starts, 64-byte aligned.
     * @param channelCount channels of the segment.
     */
    public Doorbell(final SharedBuffer memory, final long offset, final int channelCount)
    {
        memory.checkAligned(offset, SharedMemory.CACHE_LINE_LENGTH);
        this.memory = memory;
        this.offset = offset;
        this.bitmapOffset = offset + DoorbellDescriptor.BITMAP_OFFSET;
        this.wordCount = DoorbellDescriptor.bitmapWordCount(channelCount);
        this.channelCount = channelCount;
        this.eventCount = new EventCount(memory, offset + DoorbellDescriptor.EVENT_COUNT_OFFSET);
    }

    /**
     * Rings for channel {@code channelIndex}: call after publishing to its ring
     * (once per batch is enough). The publication must be a store that precedes
     * this call; the full fence here orders it before the load of the bit.
     */
    public void ring(final int channelIndex)
    {
        final long wordOffset = offset + DoorbellDescriptor.wordOffset(channelIndex);
        final long bit = 1L << (channelIndex & 63);

        // One atomic OR, a full fence: our ring publication is ordered before the bit (the
        // consumer clears a word, then drains its channels, so it sees our frame), and the bit
        // before signalAfterFence's load of the waiter count. A bit already set means the
        // consumer has yet to take it, and whoever set it has signalled. Reading the word first
        // to skip the OR was measured slower: it costs the same cache miss, then the OR wants
        // the line again (spinning round trip 300 ns against 240 ns on a good placement).
        final long previous = memory.getAndBitwiseOrLong(wordOffset, bit);
        if ((previous & bit) == 0)
        {
            eventCount.signalAfterFence();
        }
    }

    /**
     * Consumer: marks a channel ready again without waking anyone, for a
     * consumer that stopped reading it before it was empty (a batch limit), so
     * that the next {@link #poll} comes back to it.
     */
    public void requeue(final int channelIndex)
    {
        memory.getAndBitwiseOrLong(offset + DoorbellDescriptor.wordOffset(channelIndex), 1L << (channelIndex & 63));
    }

    /**
     * Takes every ready bit and hands each channel to the handler.
     *
     * @return the sum of the handler's work counts.
     */
    public int poll(final ReadyChannelHandler handler)
    {
        int work = 0;
        for (int i = 0; i < wordCount; i++)
        {
            final long wordOffset = bitmapOffset + (long)i * Long.BYTES;
            if (memory.getLongVolatile(wordOffset) == 0)
            {
                continue;
            }

            long bits = memory.getAndSetLong(wordOffset, 0L);
            while (bits != 0)
            {
                final int bitIndex = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                final int channelIndex = (i << 6) + bitIndex;
                if (channelIndex < channelCount)
                {
                    work += Math.max(1, handler.onChannelReady(channelIndex));
                }
            }
        }

        return work;
    }

    /**
     * {@inheritDoc}
     *
     * @return true if any channel's bit is set.
     */
    public boolean isSatisfied()
    {
        for (int i = 0; i < wordCount; i++)
        {
            if (memory.getLongVolatile(bitmapOffset + (long)i * Long.BYTES) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /**
     * @return the eventcount the consumer parks on (for its idle strategy).
     */
    public EventCount eventCount()
    {
        return eventCount;
    }

    /**
     * Clears every bit and the eventcount: only while no process uses this doorbell.
     */
    public void reset()
    {
        for (int i = 0; i < wordCount; i++)
        {
            memory.putLongRelease(bitmapOffset + (long)i * Long.BYTES, 0L);
        }
        eventCount.reset();
    }
}
