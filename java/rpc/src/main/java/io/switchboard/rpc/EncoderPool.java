package io.switchboard.rpc;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A session's few {@link FrameEncoder}s, lent to whichever thread sends a frame. Lock-free and allocation-free while
 * no more threads encode at once than there are slots; beyond that an encoder is made and dropped.
 */
final class EncoderPool
{
    private static final int SLOTS = 8;

    private final AtomicReferenceArray<FrameEncoder> slots = new AtomicReferenceArray<>(SLOTS);
    private final int maxFrameLength;

    EncoderPool(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
    }

    FrameEncoder acquire()
    {
        final int start = (int)(Thread.currentThread().getId() & (SLOTS - 1));
        for (int i = 0; i < SLOTS; i++)
        {
            final int slot = (start + i) & (SLOTS - 1);
            if (slots.getPlain(slot) != null)
            {
                final FrameEncoder encoder = slots.getAndSet(slot, null);
                if (encoder != null)
                {
                    return encoder;
                }
            }
        }
        return new FrameEncoder(maxFrameLength);
    }

    void release(final FrameEncoder encoder)
    {
        if (encoder.isBroken())
        {
            return;
        }
        encoder.trim();
        final int start = (int)(Thread.currentThread().getId() & (SLOTS - 1));
        for (int i = 0; i < SLOTS; i++)
        {
            if (slots.compareAndSet((start + i) & (SLOTS - 1), null, encoder))
            {
                return;
            }
        }
    }
}
