package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelState;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.ring.FragmentAssembler;
import io.switchboard.ipc.ring.RingCorruptedException;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.protocol.http.HeadFormatException;
import io.switchboard.protocol.http.HeadReader;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.RequestHead;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The worker's reading side: learns from its doorbell which channels have
 * frames, reads them, and turns them into exchanges for the handler threads.
 * <p>
 * A channel slot is reused with a new generation for every request; the poller
 * notices a new generation, re-reads the ring positions and starts a new
 * exchange on the next REQUEST_HEAD. A frame it cannot make sense of is logged
 * with the channel and the slot's reader is reset; the CM is trusted here (it
 * validated the client's bytes) but a bug must not kill the worker.
 * <p>
 * Runs on one thread.
 */
final class ChannelPoller
{
    private static final int FRAMES_PER_CHANNEL = 64;

    private final SharedSegment segment;
    private final ChannelTable channels;
    private final Doorbell doorbell;
    private final Consumer<Exchange> dispatcher;
    private final SlotReader[] readers;

    /**
     * @param dispatcher runs each new exchange's handler (on another thread).
     */
    ChannelPoller(
        final SharedSegment segment,
        final ChannelTable channels,
        final Doorbell doorbell,
        final Consumer<Exchange> dispatcher)
    {
        this.segment = segment;
        this.channels = channels;
        this.doorbell = doorbell;
        this.dispatcher = dispatcher;
        this.readers = new SlotReader[channels.slotCount()];
    }

    /**
     * @return work done: frames read.
     */
    int poll()
    {
        return doorbell.poll(this::onChannelReady);
    }

    Doorbell doorbell()
    {
        return doorbell;
    }

    private int onChannelReady(final int slot)
    {
        SlotReader reader = readers[slot];
        if (reader == null)
        {
            reader = new SlotReader(slot);
            readers[slot] = reader;
        }
        return reader.read();
    }

    /**
     * What the poller knows of one channel slot.
     */
    private final class SlotReader
    {
        private final int slot;
        private final FragmentAssembler assembler;
        private final AtomicBoolean paused = new AtomicBoolean();
        private final Runnable resume;
        private long channelId = ChannelId.NONE;
        private ChannelEnd end;
        private Exchange exchange;

        SlotReader(final int slot)
        {
            this.slot = slot;
            this.assembler = new FragmentAssembler(this::onMessage, 1024, 1 << 20);
            this.resume = () ->
            {
                if (paused.get() && paused.compareAndSet(true, false))
                {
                    doorbell.ring(this.slot);
                }
            };
        }

        int read()
        {
            final long currentId = channels.currentId(slot);
            if (currentId != channelId)
            {
                if (channels.state(slot) != ChannelState.OPEN || channels.kind(slot) != ChannelKind.HTTP)
                {
                    return 0;
                }
                final int owner = channels.owner(slot);
                if (owner < 0 || owner >= segment.layout().cmDoorbellCount())
                {
                    System.err.println("worker: channel " + ChannelId.toString(currentId) + " names CM doorbell " + owner +
                        " of " + segment.layout().cmDoorbellCount() + ": ignored");
                    return 0;
                }
                channelId = currentId;
                exchange = null;
                end = ChannelEnd.forWorker(segment, slot, owner);
            }

            int budget = FRAMES_PER_CHANNEL;
            if (exchange != null)
            {
                int free = exchange.requestBody().freeChunks();
                if (free == 0)
                {
                    // pause, then look again: a handler that took a chunk before it could see
                    // the flag left room we must not sleep on; one that sees the flag rings us
                    paused.set(true);
                    free = exchange.requestBody().freeChunks();
                    if (free == 0)
                    {
                        return 0;
                    }
                    paused.set(false);
                }
                budget = Math.min(budget, free);
            }

            try
            {
                final int frames = end.reader().read(assembler, budget);
                if (end.reader().isSatisfied())
                {
                    doorbell.requeue(slot);
                }
                return frames;
            }
            catch (final RingCorruptedException | HeadFormatException ex)
            {
                System.err.println("worker: bad frame on channel " + ChannelId.toString(channelId) + ": " + ex.getMessage());
                end.reader().discardAll();
                if (exchange != null)
                {
                    exchange.cancel();
                }
                return 1;
            }
        }

        private void onMessage(final MemorySegment buffer, final long offset, final int length, final int type, final int flags)
        {
            switch (type)
            {
                case HttpFrameType.REQUEST_HEAD ->
                {
                    final RequestHead head = HeadReader.readRequest(buffer.asSlice(offset, length).asByteBuffer());
                    exchange = new Exchange(channelId, channels.owner(slot), head, resume);
                    dispatcher.accept(exchange);
                }
                case HttpFrameType.REQUEST_BODY ->
                {
                    if (exchange != null)
                    {
                        exchange.requestBody().offer(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
                    }
                }
                case HttpFrameType.REQUEST_END ->
                {
                    if (exchange != null && exchange.head().hasBody())
                    {
                        exchange.requestBody().end();
                    }
                }
                case HttpFrameType.CANCEL ->
                {
                    if (exchange != null)
                    {
                        exchange.cancel();
                    }
                }
                default -> System.err.println(
                    "worker: unexpected frame " + HttpFrameType.name(type) + " on channel " + ChannelId.toString(channelId));
            }
        }
    }
}
