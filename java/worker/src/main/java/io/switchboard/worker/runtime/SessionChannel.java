package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelState;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.ipc.segment.ChannelSlotDescriptor;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.protocol.rpc.RpcHandshake;
import io.switchboard.rpc.DeployedServices;
import io.switchboard.rpc.RpcSession;
import io.switchboard.rpc.SessionLostException;
import io.switchboard.rpc.stream.FrameAssembler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.switchboard.ipc.memory.SharedBuffer;
import io.switchboard.rpc.thread.HandlerThreads;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The worker's end of one channel slot while it carries distributed sessions,
 * one after another (a slot is reused with a new generation for each).
 * <pre>
 *   idle --SESSION_OPEN--> open (or rejected) --CLOSING--> ending --writers gone--> done (marked)
 * </pre>
 * The poller reads the inbound ring: SESSION_OPEN makes an {@link RpcSession}
 * over the application's deployed services, and STREAM bytes go through a
 * {@link FrameAssembler} into it (the CM cut them where its socket read ended).
 * The session's frames go out through a {@link SessionRingSink}. When the CM
 * moves the channel to CLOSING (the client left, said goodbye, broke the
 * protocol, or the CM stops), the session is told its transport is gone, which
 * fails its calls out and closes its objects; once no thread writes into the
 * ring any more the channel is marked done and the CM may reuse the slot.
 * <p>
 * The poller leaves a STREAM frame in the ring, and reads the session no
 * further, while the session cannot take it: its assembler has no budget for
 * the bytes ({@link InboundBudget}, which wakes it once budget is given back),
 * or its answers back up because the client does not read them
 * ({@link SessionRingSink#isBackedUp}, whose drainer wakes it). The ring then
 * fills and the CM stops reading the client's socket. When the worker drains,
 * its sessions take no new calls (ERROR 9) and finish those they have.
 * <p>
 * Runs on the poller thread.
 */
final class SessionChannel
{
    private static final Logger LOG = LoggerFactory.getLogger(SessionChannel.class);
    private static final int FRAMES_PER_POLL = 64;
    /** SESSION_OPEN and SESSION_REJECTED are written big-endian by the CM, like the RPC stream itself. */

    private final int slot;
    private final int workerSlot;
    private final SharedSegment segment;
    private final ChannelTable channels;
    private final Doorbell doorbell;
    private final Map<String, DeployedServices> applications;
    private final Thread pollerThread;
    private final io.switchboard.ipc.ring.ControlledFrameHandler inbound = this::onFrame;
    private final SessionResources resources;
    private final Runnable wakeSelf;
    /** Tests only: see {@link ChannelPoller#afterSlotWordRead}. */
    private IntConsumer afterSlotWordRead;

    private long channelId = ChannelId.NONE;
    private ChannelEnd end;
    private int endOwner = -1;
    private RpcSession session;
    private SessionRingSink sink;
    private FrameAssembler assembler;
    private boolean refused;
    /** The last read left a frame in the ring; the budget or the sink's drainer wakes the session. */
    private boolean stalled;
    private boolean ending;
    private boolean done;

    SessionChannel(
        final int slot,
        final int workerSlot,
        final SharedSegment segment,
        final ChannelTable channels,
        final Doorbell doorbell,
        final Map<String, DeployedServices> applications,
        final Thread pollerThread,
        final SessionResources resources)
    {
        this.resources = resources;
        this.wakeSelf = () -> doorbell.ring(slot);
        this.slot = slot;
        this.workerSlot = workerSlot;
        this.segment = segment;
        this.channels = channels;
        this.doorbell = doorbell;
        this.applications = applications;
        this.pollerThread = pollerThread;
    }

    /**
     * @return whether this object is busy with the slot's current session: the poller must not hand the slot
     * to anything else until it is done.
     */
    boolean isBusy()
    {
        return channelId != ChannelId.NONE && !done;
    }

    void afterSlotWordRead(final IntConsumer probe)
    {
        this.afterSlotWordRead = probe;
    }

    /**
     * The slot's doorbell rang.
     *
     * @return work done.
     */
    int read()
    {
        // one load, as in ChannelPoller: an id and a state read apart may be two channels'
        final long word = channels.slotWord(slot);
        final long currentId = ChannelId.of(slot, ChannelSlotDescriptor.generation(word));
        final int state = ChannelSlotDescriptor.state(word);
        if (afterSlotWordRead != null)
        {
            afterSlotWordRead.accept(slot);
        }
        if (currentId != channelId)
        {
            if (isBusy())
            {
                // cannot be: the CM reuses a slot only after we marked it done
                LOG.error("channel {} changed to {} before the worker was done with it", ChannelId.toString(channelId),
                    ChannelId.toString(currentId));
                endSession("the channel was taken back");
                markDone();
            }
            if ((state != ChannelState.OPEN && state != ChannelState.CLOSING) ||
                channels.kind(slot) != ChannelKind.RPC || channels.workerSlot(slot) != workerSlot)
            {
                return 0;
            }
            final int owner = channels.owner(slot);
            VarHandle.loadLoadFence();
            if (channels.slotWord(slot) != word)
            {
                // released and given to another session since the word was read
                doorbell.requeue(slot);
                return 0;
            }
            if (owner < 0 || owner >= segment.layout().cmDoorbellCount())
            {
                LOG.error("session channel {} names CM doorbell {} of {}: ignored", ChannelId.toString(currentId), owner,
                    segment.layout().cmDoorbellCount());
                return 0;
            }
            begin(currentId, owner);
        }
        if (done)
        {
            return 0;
        }

        int work = 0;
        if (!ending)
        {
            final SessionRingSink passSink = sink;
            if (passSink != null)
            {
                passSink.beginPass();
            }
            stalled = false;
            try
            {
                work += end.reader().controlledRead(inbound, FRAMES_PER_POLL);
            }
            catch (final RuntimeException ex)
            {
                // the CM's frames are checked, but a bug must cost one session, not the worker
                LOG.error("session channel {}: unreadable", ChannelId.toString(channelId), ex);
                endSession("unreadable channel: " + ex.getMessage());
            }
            finally
            {
                if (passSink != null)
                {
                    passSink.endPass();
                }
            }
            if (work == FRAMES_PER_POLL && !stalled)
            {
                doorbell.requeue(slot);
            }
        }
        if (state == ChannelState.CLOSING || !channels.isCurrent(channelId))
        {
            // the CM is done with the session: the rest of the inbound ring is of no use to anyone
            endSession("the client left the session");
        }
        if (ending)
        {
            work++;
            if (sink == null || sink.tryQuiesce())
            {
                markDone();
            }
            else
            {
                // a handler thread is still inside the ring; it gives up at its next look
                doorbell.requeue(slot);
            }
        }
        return work;
    }

    private void begin(final long id, final int owner)
    {
        channelId = id;
        session = null;
        sink = null;
        assembler = null;
        refused = false;
        stalled = false;
        ending = false;
        done = false;
        if (end == null || owner != endOwner)
        {
            end = ChannelEnd.forWorker(segment, slot, owner);
            endOwner = owner;
        }
        else
        {
            end.resync();
        }
    }

    /**
     * @return false to leave the frame in the ring: the session cannot take it now.
     */
    private boolean onFrame(final SharedBuffer memory, final long offset, final int length, final int type,
        final int flags)
    {
        switch (type)
        {
            case RpcChannelFrameType.SESSION_OPEN -> open(memory, offset, length);
            case RpcChannelFrameType.STREAM ->
            {
                if (assembler != null && !ending)
                {
                    if (sink.isBackedUp() || !assembler.onBytes(memory, offset, length))
                    {
                        stalled = true;
                        return false;
                    }
                }
            }
            default -> LOG.error("unexpected {} on session channel {}", RpcChannelFrameType.name(type),
                ChannelId.toString(channelId));
        }
        return true;
    }

    /**
     * The worker drains: the session refuses new calls from now on, and finishes those it has.
     */
    void drain()
    {
        if (session != null && !ending)
        {
            session.stopAcceptingCalls();
        }
    }

    private void open(final SharedBuffer memory, final long offset, final int length)
    {
        if (session != null || refused || length < RpcChannelFrameType.OPEN_APPLICATION_OFFSET)
        {
            LOG.error("SESSION_OPEN of {} bytes on channel {}{}", length, ChannelId.toString(channelId),
                session != null ? ", a session is open already" : "");
            return;
        }
        final long sessionId = memory.getLongBigEndian(offset + RpcChannelFrameType.OPEN_SESSION_ID_OFFSET);
        final int maxFrame = memory.getIntBigEndian(offset + RpcChannelFrameType.OPEN_MAX_FRAME_OFFSET);
        final int maxCalls = memory.getIntBigEndian(offset + RpcChannelFrameType.OPEN_MAX_CALLS_OFFSET);
        final int nameLength = memory.getShortBigEndian(offset + RpcChannelFrameType.OPEN_APPLICATION_LENGTH_OFFSET) & 0xFFFF;
        if (RpcChannelFrameType.OPEN_APPLICATION_OFFSET + nameLength > length)
        {
            refuse(RpcHandshake.STATUS_MALFORMED_HELLO, "SESSION_OPEN's application name runs past the frame");
            return;
        }
        final String application = new String(
            memory.toByteArray(offset + RpcChannelFrameType.OPEN_APPLICATION_OFFSET, nameLength),
            StandardCharsets.UTF_8);
        final DeployedServices services = applications.get(application);
        if (services == null)
        {
            refuse(RpcHandshake.STATUS_UNKNOWN_APPLICATION, "worker " + ProcessHandle.current().pid() +
                " hosts no application '" + application + "' for sessions; it hosts " + applications.keySet());
            return;
        }
        final RpcSession opened;
        try
        {
            sink = new SessionRingSink(end, pollerThread, resources, wakeSelf);
            opened = RpcSession.builder(sink)
                .services(services)
                .limits(maxFrame, maxCalls)
                .sessionId(sessionId)
                .name("session " + ChannelId.toString(channelId) + " (" + application + ")")
                .build();
            assembler = new FrameAssembler(maxFrame, FrameAssembler.DEFAULT_INITIAL_CAPACITY, opened,
                resources.inbound().account(slot));
            if (resources.isDraining())
            {
                opened.stopAcceptingCalls();
            }
        }
        catch (final RuntimeException ex)
        {
            refuse(RpcHandshake.STATUS_NO_WORKER, "the worker could not open the session: " + ex.getMessage());
            return;
        }
        // the answer goes first, before anything the session sends
        final RingWriter writer = end.writer();
        if (writer.tryClaim(RpcChannelFrameType.SESSION_ACCEPTED, FrameDescriptor.UNFRAGMENTED, 0) ==
            RingWriter.INSUFFICIENT_CAPACITY)
        {
            LOG.error("no room for SESSION_ACCEPTED in a fresh ring on {}", ChannelId.toString(channelId));
            opened.onTransportClosed(new SessionLostException("the session's channel could not be answered"));
            ending = true;
            return;
        }
        writer.commit();
        session = opened;
        resources.openSessions().incrementAndGet();
        end.signalPeer();
    }

    private void refuse(final int status, final String message)
    {
        refused = true;
        final byte[] text = message.getBytes(StandardCharsets.UTF_8);
        final int textLength = Math.min(text.length, RpcHandshake.MAX_WELCOME_MESSAGE_LENGTH);
        final RingWriter writer = end.writer();
        final long at = writer.tryClaim(RpcChannelFrameType.SESSION_REJECTED, FrameDescriptor.UNFRAGMENTED,
            RpcChannelFrameType.REJECTED_MESSAGE_OFFSET + textLength);
        if (at == RingWriter.INSUFFICIENT_CAPACITY)
        {
            return;
        }
        final SharedBuffer memory = segment.memory();
        memory.putShortBigEndian(at + RpcChannelFrameType.REJECTED_STATUS_OFFSET, (short)status);
        SharedBuffer.wrap(text).getBytes(0, memory, at + RpcChannelFrameType.REJECTED_MESSAGE_OFFSET,
            textLength);
        writer.commit();
        end.signalPeer();
    }

    private void endSession(final String reason)
    {
        if (ending)
        {
            return;
        }
        ending = true;
        if (assembler != null)
        {
            // what the session held of the inbound budget goes back to the others
            assembler.close();
        }
        if (sink != null)
        {
            sink.close(reason);
        }
        if (session != null)
        {
            // fails the session's calls out and runs its objects' close hooks, which may take time: not on the poller
            final RpcSession ended = session;
            HandlerThreads.start("switchboard-session-end",
                () -> ended.onTransportClosed(new SessionLostException(reason)));
        }
    }

    private void markDone()
    {
        if (session != null)
        {
            resources.openSessions().decrementAndGet();
        }
        if (assembler != null)
        {
            assembler.close();
        }
        done = true;
        channels.markWorkerDone(channelId);
        end.signalPeer();
        session = null;
        sink = null;
        assembler = null;
    }
}
