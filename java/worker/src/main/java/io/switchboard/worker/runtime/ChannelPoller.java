package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelState;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.doorbell.ReadyChannelHandler;
import io.switchboard.ipc.ring.FragmentAssembler;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.segment.ChannelSlotDescriptor;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.protocol.http.HeadReader;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.ReusableRequestHead;
import io.switchboard.rpc.DeployedServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.ipc.memory.SharedBuffer;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

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
    private static final Logger LOG = LoggerFactory.getLogger(ChannelPoller.class);
    private static final int FRAMES_PER_CHANNEL = 64;

    private final SharedSegment segment;
    private final ChannelTable channels;
    private final Doorbell doorbell;
    private final int workerSlot;
    private final Consumer<Exchange> dispatcher;
    /** Made once: a method reference made in {@link #poll} was a new object on every turn of the poll loop. */
    private final ReadyChannelHandler onChannelReady;
    private final SlotReader[] readers;
    private final SessionChannel[] sessions;
    private final Map<String, DeployedServices> rpcApplications;
    private final SessionResources sessionResources;
    /** Keeps the application names, targets and header fields it read: requests repeat them (the poller's only). */
    private final HeadReader heads = new HeadReader();
    /** Tests only: runs between a reader's load of its slot's word and the rest of its look at the slot. */
    private IntConsumer afterSlotWordRead;

    /**
     * @param dispatcher      runs each new exchange's handler (on another thread).
     * @param rpcApplications the applications this worker hosts for distributed sessions, by name.
     * @param sessionResources what the distributed sessions share; its wake-ups requeue this doorbell's bits.
     */
    ChannelPoller(
        final SharedSegment segment,
        final ChannelTable channels,
        final Doorbell doorbell,
        final int workerSlot,
        final Consumer<Exchange> dispatcher,
        final Map<String, DeployedServices> rpcApplications,
        final SessionResources sessionResources)
    {
        this.sessionResources = sessionResources;
        this.rpcApplications = Map.copyOf(rpcApplications);
        this.sessions = new SessionChannel[channels.slotCount()];
        this.segment = segment;
        this.channels = channels;
        this.doorbell = doorbell;
        this.workerSlot = workerSlot;
        this.dispatcher = dispatcher;
        this.readers = new SlotReader[channels.slotCount()];
        this.onChannelReady = this::onChannelReady;
    }

    /**
     * @return work done: frames read.
     */
    int poll()
    {
        return doorbell.poll(onChannelReady);
    }

    /**
     * @return distributed sessions open on this worker.
     */
    int openSessions()
    {
        return sessionResources.openSessions().get();
    }

    /**
     * The CM drains this worker (a rolling restart replaces it): its distributed sessions, and those that open
     * from now on, refuse new calls with ERROR 9 while the calls they have run to their answers. Idempotent.
     */
    void drain()
    {
        if (sessionResources.isDraining())
        {
            return;
        }
        sessionResources.startDraining();
        for (final SessionChannel session : sessions)
        {
            if (session != null)
            {
                session.drain();
            }
        }
    }

    Doorbell doorbell()
    {
        return doorbell;
    }

    /**
     * Tests only: {@code probe} runs with the slot's index after each reader (HTTP, or distributed session made from
     * now on) loads its slot's word, before it reads the slot's other fields, which is where the CM may release the
     * slot and give it to the next request.
     */
    void afterSlotWordRead(final IntConsumer probe)
    {
        this.afterSlotWordRead = probe;
    }

    private int onChannelReady(final int slot)
    {
        final SessionChannel session = sessions[slot];
        if ((session != null && session.isBusy()) || channels.kind(slot) == ChannelKind.RPC)
        {
            return sessionChannel(slot).read();
        }
        SlotReader reader = readers[slot];
        if (reader == null)
        {
            reader = new SlotReader(slot);
            readers[slot] = reader;
        }
        return reader.read();
    }

    private SessionChannel sessionChannel(final int slot)
    {
        SessionChannel session = sessions[slot];
        if (session == null)
        {
            // made on the poller thread: the session's sink must know which thread may never wait
            session = new SessionChannel(
                slot, workerSlot, segment, channels, doorbell, rpcApplications, Thread.currentThread(), sessionResources);
            session.afterSlotWordRead(afterSlotWordRead);
            sessions[slot] = session;
        }
        return session;
    }

    /**
     * What the poller knows of one channel slot while it carries HTTP exchanges.
     */
    private final class SlotReader
    {
        private final int slot;
        private final FragmentAssembler assembler;
        private final AtomicBoolean paused = new AtomicBoolean();
        private final Runnable resume;
        private final Runnable ringSelf;
        private long channelId = ChannelId.NONE;
        private ChannelEnd end;
        private int endOwner = -1;
        /** The request being read, or null before its head: {@link #reusable} while it lasts. */
        private Exchange exchange;
        /** This slot's exchange object, begun again for each request (see {@link Exchange}). */
        private Exchange reusable;
        private boolean inboundDone;
        private boolean markedDone;

        SlotReader(final int slot)
        {
            this.slot = slot;
            this.assembler = new FragmentAssembler(this::onMessage, 1024, 1 << 20);
            this.ringSelf = () -> doorbell.ring(this.slot);
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
            // one load: a generation and a state read apart may be two channels' (the slot released and reused)
            final long word = channels.slotWord(slot);
            final long currentId = ChannelId.of(slot, ChannelSlotDescriptor.generation(word));
            final int state = ChannelSlotDescriptor.state(word);
            if (afterSlotWordRead != null)
            {
                afterSlotWordRead.accept(slot);
            }
            if (currentId != channelId)
            {
                // a slot is reused for the next request once the last worker marked it done, and
                // often for another worker: only an OPEN HTTP channel given to this worker is ours
                if ((state != ChannelState.OPEN && state != ChannelState.CLOSING) ||
                    channels.kind(slot) != ChannelKind.HTTP || channels.workerSlot(slot) != workerSlot)
                {
                    return 0;
                }
                final int owner = channels.owner(slot);
                // the fields are this generation's only if the word has not moved since (the CM writes them before
                // it publishes OPEN): else another request has the slot now, and this read must not adopt it
                VarHandle.loadLoadFence();
                if (channels.slotWord(slot) != word)
                {
                    doorbell.requeue(slot);
                    return 0;
                }
                if (owner < 0 || owner >= segment.layout().cmDoorbellCount())
                {
                    LOG.error("channel {} names CM doorbell {} of {}: ignored", ChannelId.toString(currentId), owner,
                        segment.layout().cmDoorbellCount());
                    return 0;
                }
                channelId = currentId;
                exchange = null;
                inboundDone = false;
                markedDone = false;
                // the previous exchange on this slot is over (we marked it done): reuse its views
                if (end == null || owner != endOwner)
                {
                    end = ChannelEnd.forWorker(segment, slot, owner);
                    endOwner = owner;
                }
                else
                {
                    end.resync();
                }
                if (state == ChannelState.CLOSING)
                {
                    // cancelled before we saw the request: the CM still waits for a final frame
                    abortUnseen();
                    inboundDone = true;
                    markDone();
                    return 1;
                }
            }

            if (markedDone)
            {
                return 0;
            }

            if (state == ChannelState.CLOSING)
            {
                // the CM has the final frame, or cancels: nothing more comes in
                inboundDone = true;
                if (exchange != null && !exchange.isResponseDone() && !exchange.isCancelled())
                {
                    exchange.channelClosing();
                }
                else if (exchange == null)
                {
                    abortUnseen();
                }
            }

            int frames = 0;
            try
            {
                frames = readInbound();
            }
            catch (final RuntimeException ex)
            {
                LOG.error("bad frame on channel {}", ChannelId.toString(channelId), ex);
                inboundDone = true;
                if (exchange != null)
                {
                    exchange.cancel();
                }
                frames++;
            }

            if (inboundDone && exchange != null)
            {
                // set, then look: a handler returning now either sees it and marks the channel done itself, or
                // has declared its response done before and is seen below
                exchange.inboundRead();
            }
            if (inboundDone && (exchange == null || exchange.isResponseDone()))
            {
                markDone();
            }
            return frames;
        }

        /**
         * Reads up to the request's last inbound frame, one frame at a time: after
         * a REQUEST_HEAD the body queue's room is the budget, and after the last
         * frame the ring is never read again for this channel.
         */
        private int readInbound()
        {
            int frames = 0;
            while (!inboundDone && frames < FRAMES_PER_CHANNEL)
            {
                if (exchange != null && !hasRoom())
                {
                    return frames;
                }
                final int n = end.reader().read(assembler, 1);
                if (n == 0)
                {
                    return frames;
                }
                frames += n;
            }
            if (!inboundDone)
            {
                doorbell.requeue(slot);
            }
            return frames;
        }

        /**
         * Promises the CM never to touch this channel's rings again; the CM may then reuse the slot. Unless the
         * exchange's handler has done so already.
         */
        private void markDone()
        {
            markedDone = true;
            // a handler of a request without a body may have marked it as it returned (Exchange.responseDone)
            if (exchange == null || exchange.takeDoneMark())
            {
                channels.markWorkerDone(channelId);
                end.signalPeer();
            }
        }

        private void abortUnseen()
        {
            if (end.writer().tryClaim(HttpFrameType.RESPONSE_ABORT, FrameDescriptor.UNFRAGMENTED, 0) >= 0)
            {
                end.writer().commit();
                end.signalPeer();
            }
        }

        /**
         * @return whether the body queue takes another chunk; if not, pauses the channel until the handler takes one.
         */
        private boolean hasRoom()
        {
            if (exchange.requestBody().freeChunks() > 0)
            {
                return true;
            }
            // pause, then look again: a handler that took a chunk before it could see the flag
            // left room we must not sleep on; one that sees the flag rings us
            paused.set(true);
            if (exchange.requestBody().freeChunks() == 0)
            {
                return false;
            }
            paused.set(false);
            return true;
        }

        /**
         * @return the slot's exchange object, or a new one (kept from now on) if the last request's handler still
         * runs: the CM may take a channel back without waiting for a handler it has given up on.
         */
        private Exchange nextExchange()
        {
            if (reusable == null || !reusable.isResponseDone())
            {
                if (reusable != null)
                {
                    // its handler still runs; once it returns, the dispatcher may forget the object
                    reusable.retire();
                }
                reusable = new Exchange(channels, segment.memory(), resume);
                reusable.onResponseDone(ringSelf);
            }
            return reusable;
        }

        private void onMessage(final SharedBuffer buffer, final long offset, final int length, final int type, final int flags)
        {
            switch (type)
            {
                case HttpFrameType.REQUEST_HEAD ->
                {
                    // read into the exchange it begins: not in use until then (its last request is over)
                    final Exchange next = nextExchange();
                    final ReusableRequestHead head = next.head();
                    heads.read(buffer, offset, length, head);
                    exchange = next;
                    exchange.begin(channelId, end);
                    if (!head.hasBody())
                    {
                        inboundDone = true;
                    }
                    dispatcher.accept(exchange);
                }
                case HttpFrameType.REQUEST_BODY ->
                {
                    if (exchange != null)
                    {
                        exchange.requestBody().offer(buffer.toByteArray(offset, length));
                    }
                }
                case HttpFrameType.REQUEST_END ->
                {
                    inboundDone = true;
                    if (exchange != null && exchange.head().hasBody())
                    {
                        exchange.requestBody().end();
                    }
                }
                default -> LOG.error("unexpected frame {} on channel {}", HttpFrameType.name(type),
                    ChannelId.toString(channelId));
            }
        }
    }
}
