package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.memory.SharedBuffer;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.protocol.http.HeadWriter;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.testsupport.TempSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A slot the CM releases and gives to the next request while a worker's poller is looking at it: the poller takes
 * the new channel under its own id, never under the id of the one it started to look at.
 * <p>
 * The test thread is the poller and, inside the poller's look (between its load of the slot's generation and
 * state and its load of the slot's other fields), the CM: the race staged in one thread, the same every run.
 */
@Timeout(30)
class SlotReuseTest
{
    private static final int OTHER_WORKER = 0;
    private static final int THIS_WORKER = 1;
    private static final int SLOT = 0;

    @Test
    void shouldServeTheRequestOfTheChannelGivenWhileItLookedUnderThatChannelsId() throws Exception
    {
        try (TempSegment temp = TempSegment.create(new SegmentLayout(2, 1, 1 << 16, 1)))
        {
            final ChannelTable channels = new ChannelTable(temp.segment());
            final Doorbell doorbell = new WorkerSlots(temp.segment()).doorbell(THIS_WORKER);
            final List<Exchange> dispatched = new ArrayList<>();
            final ChannelPoller poller = new ChannelPoller(temp.segment(), channels, doorbell, THIS_WORKER,
                dispatched::add, Map.of(), new SessionResources(1 << 20, 1 << 20, doorbell::requeue));
            final long[] given = {ChannelId.NONE, ChannelId.NONE};

            // a ring for the slot while it is free (the CM retiring this worker's last channel there rings it)
            doorbell.ring(SLOT);
            poller.afterSlotWordRead(slot ->
            {
                if (given[0] != ChannelId.NONE)
                {
                    return;
                }
                // the CM, meanwhile: a request for the other worker, answered and released...
                given[0] = channels.allocate(ChannelKind.HTTP, OTHER_WORKER, 0);
                channels.beginClose(given[0]);
                channels.release(given[0]);
                // ...and the next one on the same slot, for this worker
                given[1] = channels.allocate(ChannelKind.HTTP, THIS_WORKER, 0);
                sendRequestHead(temp, given[1]);
            });

            poller.poll();
            poller.poll();

            assertEquals(ChannelId.of(SLOT, ChannelId.generation(given[0]) + 1), given[1], "the slot was reused");
            assertEquals(1, dispatched.size(), "requests dispatched");
            final Exchange exchange = dispatched.get(0);
            assertEquals(ChannelId.toString(given[1]), ChannelId.toString(exchange.channelId()));
            // its answer goes into the channel (under the old id the channel is closed and nothing is written)
            exchange.response().status(204);
            exchange.response().end();
            final List<Integer> frames = new ArrayList<>();
            ChannelEnd.forCm(temp.segment(), SLOT, THIS_WORKER).reader()
                .read((buffer, offset, length, type, flags) -> frames.add(type), Integer.MAX_VALUE);
            assertEquals(HttpFrameType.RESPONSE_HEAD, frames.get(0), "first frame out");
        }
    }

    private static void sendRequestHead(final TempSegment temp, final long channelId)
    {
        final ByteBuffer head = ByteBuffer.allocate(256);
        final HeadWriter writer = new HeadWriter().wrap(head, 0)
            .requestFixed(1, 0, 0, 0).putString("demo").putString("GET").putString("/");
        final ChannelEnd end = ChannelEnd.forCm(temp.segment(), ChannelId.slot(channelId), THIS_WORKER);
        if (!end.writer().offer(HttpFrameType.REQUEST_HEAD, SharedBuffer.wrap(head), 0, writer.length()))
        {
            throw new AssertionError("no room for a request head in an empty ring");
        }
        end.signalPeer();
    }
}
