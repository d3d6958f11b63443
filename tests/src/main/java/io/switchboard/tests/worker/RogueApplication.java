package io.switchboard.tests.worker;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelState;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.ipc.segment.ChannelSlotDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlotDescriptor;
import io.switchboard.protocol.http.HeadWriter;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HttpHeadDescriptor;
import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;


/**
 * A worker gone bad, for the tests of the CM's distrust: the handler maps the
 * segment a second time (the worker process may: it has it mapped already) and
 * writes into it what no correct worker writes, chosen by the request path
 * ({@code /rogue/<fault>}). Then it blocks, so that the worker runtime writes
 * nothing more on the channel: what the CM does next is all the CM's.
 * <p>
 * The handler finds its own channel as the one OPEN HTTP channel of its worker
 * slot: the tests send one request at a time to a worker that runs this
 * application.
 * <ul>
 *   <li>{@code tail-beyond}: the outbound tail moved past head + capacity;</li>
 *   <li>{@code tail-backwards}: the outbound tail moved behind the head;</li>
 *   <li>{@code frame-length}: a frame whose length is shorter than its header;</li>
 *   <li>{@code frame-type}: a frame of a type no HTTP channel carries;</li>
 *   <li>{@code frame-flags}: a frame with flag bits that mean nothing;</li>
 *   <li>{@code frame-fragment}: a RESPONSE_HEAD flagged as the first of several fragments (HTTP frames go whole);</li>
 *   <li>{@code response-head}: a RESPONSE_HEAD whose header value smuggles a CR LF and a second header;</li>
 *   <li>{@code body-overrun}: a RESPONSE_HEAD of Content-Length 5, then a 10-byte body;</li>
 *   <li>{@code after-head}: a real response head and some body go out, then the tail jumps;</li>
 *   <li>{@code inbound-head}: the head position of the inbound ring (which the worker owns) ahead of the tail,
 *       during an upload;</li>
 *   <li>{@code channel-state}: the channel's generation rewritten, then an attempt at a valid response;</li>
 *   <li>{@code foreign-channel}: frames published into a FREE channel slot (not its own), its CM doorbell rung;
 *       then a valid response;</li>
 *   <li>{@code heartbeat}: the worker slot's heartbeat set an hour ahead, again and again;</li>
 *   <li>{@code worker-identity}: the pid the CM recorded in the worker slot rewritten;</li>
 *   <li>{@code odd-header}: no fault, a valid response whose header strings have odd lengths (a control).</li>
 * </ul>
 */
public final class RogueApplication implements HttpApplication
{
    private static final long BLOCK_MS = TimeUnit.MINUTES.toMillis(10);

    private static SharedSegment segment;
    private static int workerSlot = -1;

    public String name()
    {
        return "rogue";
    }

    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        final String fault = request.path().substring(request.path().lastIndexOf('/') + 1);
        final SharedSegment segment = segment();
        final SegmentLayout layout = segment.layout();
        final SharedBuffer memory = segment.memory();
        final ChannelTable channels = new ChannelTable(segment);
        if (fault.equals("odd-header"))
        {
            // not a fault: a header name of odd length puts the next string's length at an odd offset
            response.header("Cache-Control", "no-store").header("X-Odd", "abc");
            response.send("ok".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        final int slot = ownChannel(channels);
        final long outbound = layout.outboundRingOffset(slot);
        final int capacity = layout.ringCapacity();
        final ChannelEnd end = ChannelEnd.forWorker(segment, slot, channels.owner(slot));

        switch (fault)
        {
            case "tail-beyond" -> publishTail(memory, outbound, head(memory, outbound) + capacity + 8);
            case "tail-backwards" -> publishTail(memory, outbound, head(memory, outbound) - 8);
            case "frame-length" -> writeRawFrame(memory, outbound, capacity, 3, HttpFrameType.RESPONSE_BODY,
                FrameDescriptor.UNFRAGMENTED, 16);
            case "frame-type" -> writeRawFrame(memory, outbound, capacity, 16, 0x55, FrameDescriptor.UNFRAGMENTED, 16);
            case "frame-flags" -> writeRawFrame(memory, outbound, capacity, 16, HttpFrameType.RESPONSE_HEAD, 0x3, 16);
            case "frame-fragment" -> writeRawFrame(memory, outbound, capacity, 8 + HttpHeadDescriptor.RESPONSE_FIXED_LENGTH,
                HttpFrameType.RESPONSE_HEAD, FrameDescriptor.BEGIN_FLAG, 8 + HttpHeadDescriptor.RESPONSE_FIXED_LENGTH);
            case "response-head" -> writeResponseHead(end, 200, 0, "X-Smuggled", "a\r\nSet-Cookie: stolen=1");
            case "body-overrun" ->
            {
                writeResponseHead(end, 200, 5, "X-Rogue", "1");
                final long at = end.writer().tryClaim(HttpFrameType.RESPONSE_BODY, FrameDescriptor.UNFRAGMENTED, 10);
                memory.putBytes(at, "0123456789".getBytes(StandardCharsets.US_ASCII), 0, 10);
                end.writer().commit();
            }
            case "after-head" ->
            {
                response.contentLength(1000);
                response.write("partial".getBytes(StandardCharsets.US_ASCII), 0, 7);
                // the CM relays head and body to the client before the ring goes bad
                Thread.sleep(300);
                publishTail(memory, outbound, head(memory, outbound) + capacity + 8);
            }
            case "inbound-head" ->
            {
                // again and again: the runtime's own reader publishes its head after each batch it reads
                final long inbound = layout.inboundRingOffset(slot);
                for (int i = 0; i < 1_000; i++)
                {
                    final long tail = memory.getLongAcquire(inbound + RingDescriptor.TAIL_POSITION_OFFSET);
                    memory.putLongRelease(inbound + RingDescriptor.HEAD_POSITION_OFFSET, tail + 4096);
                    end.writer().spaceEventCount().signal();
                    Thread.sleep(5);
                }
            }
            case "channel-state" ->
            {
                final long word = memory.getLongAcquire(layout.channelSlotOffset(slot) + ChannelSlotDescriptor.STATE_WORD_OFFSET);
                memory.putLongRelease(layout.channelSlotOffset(slot) + ChannelSlotDescriptor.STATE_WORD_OFFSET,
                    ChannelSlotDescriptor.stateWord(ChannelSlotDescriptor.generation(word) + 7, ChannelState.OPEN));
                response.send("looks fine".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            case "foreign-channel" ->
            {
                final int foreign = freeChannel(channels, slot);
                final ChannelEnd other = ChannelEnd.forWorker(segment, foreign, channels.owner(slot));
                writeResponseHead(other, 200, 6, "X-Foreign", "1");
                final long at = other.writer().tryClaim(HttpFrameType.RESPONSE_BODY, FrameDescriptor.UNFRAGMENTED, 6);
                memory.putBytes(at, "forged".getBytes(StandardCharsets.US_ASCII), 0, 6);
                other.writer().commit();
                other.writer().tryClaim(HttpFrameType.RESPONSE_END, FrameDescriptor.UNFRAGMENTED, 0);
                other.writer().commit();
                other.signalPeer();
                response.send(Integer.toString(foreign).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            case "heartbeat" ->
            {
                // again and again: the poller's own beat overwrites it every 250 ms
                for (int i = 0; i < 3_000; i++)
                {
                    memory.putLongRelease(layout.workerSlotOffset(workerSlot) + WorkerSlotDescriptor.HEARTBEAT_OFFSET,
                        System.nanoTime() + TimeUnit.HOURS.toNanos(1));
                    Thread.sleep(10);
                }
            }
            case "worker-identity" ->
                // not the state: the worker's own runtime exits at once when that changes, a race with the CM
                memory.putInt(layout.workerSlotOffset(workerSlot) + WorkerSlotDescriptor.PID_OFFSET, 1);
            default ->
            {
                response.status(404).send(("no fault " + fault + "\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
        }
        end.signalPeer();
        // hold the channel: the runtime must not write after us
        Thread.sleep(BLOCK_MS);
    }

    private static synchronized SharedSegment segment()
    {
        if (segment == null)
        {
            // the worker's own command line names its segment (WorkerLaunch#command)
            final String[] words = System.getProperty("sun.java.command").split(" ");
            String name = null;
            for (int i = 0; i < words.length - 1; i++)
            {
                if (words[i].equals("--segment"))
                {
                    name = words[i + 1];
                }
            }
            segment = SharedSegment.attach(name);
            // not from the command line: a spare worker learns its slot on standard input
            final io.switchboard.ipc.segment.WorkerSlots slots = new io.switchboard.ipc.segment.WorkerSlots(segment);
            for (int slot = 0; slot < slots.slotCount(); slot++)
            {
                final var process = slots.process(slot);
                if (process != null && process.pid() == ProcessHandle.current().pid())
                {
                    workerSlot = slot;
                }
            }
        }
        return segment;
    }

    private static int ownChannel(final ChannelTable channels)
    {
        int found = -1;
        for (int slot = 0; slot < channels.slotCount(); slot++)
        {
            if (channels.state(slot) == ChannelState.OPEN && channels.workerSlot(slot) == workerSlot &&
                channels.kind(slot) == ChannelKind.HTTP)
            {
                if (found >= 0)
                {
                    throw new IllegalStateException("two open channels on worker " + workerSlot + ": " + found +
                        " and " + slot + "; send the rogue one request at a time");
                }
                found = slot;
            }
        }
        if (found < 0)
        {
            throw new IllegalStateException("no open channel on worker " + workerSlot);
        }
        return found;
    }

    private static int freeChannel(final ChannelTable channels, final int own)
    {
        for (int slot = channels.slotCount() - 1; slot >= 0; slot--)
        {
            if (slot != own && channels.state(slot) == ChannelState.FREE)
            {
                return slot;
            }
        }
        throw new IllegalStateException("no FREE channel slot but this worker's own: own=" + own +
            " slotCount=" + channels.slotCount());
    }

    private static long head(final SharedBuffer memory, final long ringOffset)
    {
        return memory.getLongAcquire(ringOffset + RingDescriptor.HEAD_POSITION_OFFSET);
    }

    private static void publishTail(final SharedBuffer memory, final long ringOffset, final long tail)
    {
        memory.putLongRelease(ringOffset + RingDescriptor.TAIL_POSITION_OFFSET, tail);
    }

    /**
     * Writes a frame header at the tail by hand and publishes {@code advance} bytes: what no RingWriter would.
     */
    private static void writeRawFrame(
        final SharedBuffer memory,
        final long ringOffset,
        final int capacity,
        final int frameLength,
        final int type,
        final int flags,
        final int advance)
    {
        final long tail = memory.getLongAcquire(ringOffset + RingDescriptor.TAIL_POSITION_OFFSET);
        final long frameOffset = ringOffset + RingDescriptor.HEADER_LENGTH + (tail & (capacity - 1));
        memory.putInt(frameOffset + FrameDescriptor.LENGTH_OFFSET, frameLength);
        memory.putShort(frameOffset + FrameDescriptor.TYPE_OFFSET, (short)type);
        memory.putShort(frameOffset + FrameDescriptor.FLAGS_OFFSET, (short)flags);
        publishTail(memory, ringOffset, tail + advance);
    }

    private static void writeResponseHead(
        final ChannelEnd end, final int status, final long contentLength, final String name, final String value)
    {
        final RingWriter writer = end.writer();
        writer.resync();
        final int length = HttpHeadDescriptor.RESPONSE_FIXED_LENGTH + HeadWriter.encodedLength(name.length()) +
            HeadWriter.encodedLength(value.length());
        final long at = writer.tryClaim(HttpFrameType.RESPONSE_HEAD, FrameDescriptor.UNFRAGMENTED, length);
        final java.nio.ByteBuffer view = segment.memory().byteBuffer(at, length);
        new HeadWriter().wrap(view, 0).responseFixed(status, 1, contentLength).putString(name).putString(value);
        writer.commit();
    }
}
