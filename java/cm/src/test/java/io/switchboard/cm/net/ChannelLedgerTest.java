package io.switchboard.cm.net;

import io.switchboard.cm.dispatch.WorkerPool;
import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelState;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.segment.ChannelSlotDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.testsupport.TempSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger holds a fault against the worker process that made it, not against the one serving in its slot now.
 */
class ChannelLedgerTest
{
    private static final int WORKER = 0;

    private final TempSegment temp = TempSegment.create(new SegmentLayout(1, 2, 1 << 12, 1));
    private final WorkerPool workers = new WorkerPool(1);
    /** The faults reported to the supervisor, each as {@code worker/incarnation}. */
    private final List<String> faults = new ArrayList<>();
    private final ChannelLedger ledger = new ChannelLedger(0, temp.segment(), workers,
        (worker, incarnation, cause) -> faults.add(worker + "/" + incarnation),
        (connection, cause) -> { throw new AssertionError(cause); });

    @AfterEach
    void close()
    {
        temp.close();
    }

    @Test
    void shouldNotCutOffAReplacementForGarbageInItsPredecessorsChannel()
    {
        workers.setReady(WORKER, true);
        final int first = workers.incarnation(WORKER);
        final Held request = new Held();
        assertTrue(ledger.open(request, ChannelKind.HTTP, null));

        // the request is over, the worker has not marked the channel done: it waits in the retiring list
        ledger.retire(request.channelId, WORKER, request.end);
        // the worker dies; its replacement announces READY before this I/O thread hears of the death
        workers.setReady(WORKER, false);
        workers.setReady(WORKER, true);
        final int second = workers.incarnation(WORKER);
        // and the dead one had scribbled on the channel's fields
        scribbleOn(request.channelId);

        ledger.releaseRetired();

        assertEquals(List.of(), faults, "no fault held against " + WORKER + "/" + second);
        assertFalse(ledger.isCutOff(WORKER), "the replacement is not cut off");
        assertTrue(ledger.hasRetiring(), "the scribbled channel waits for its process to be known gone");

        ledger.workerLost(WORKER, first);

        assertFalse(ledger.hasChannelsInFlight(), "reclaimed with the incarnation it was given to");
        assertEquals(ChannelState.FREE, new ChannelTable(temp.segment()).state(ChannelId.slot(request.channelId)));
    }

    @Test
    void shouldCutOffTheIncarnationThatHoldsTheChannel()
    {
        workers.setReady(WORKER, true);
        final Held request = new Held();
        assertTrue(ledger.open(request, ChannelKind.HTTP, null));
        ledger.retire(request.channelId, WORKER, request.end);
        scribbleOn(request.channelId);

        ledger.releaseRetired();
        ledger.releaseRetired();

        assertEquals(List.of(WORKER + "/" + workers.incarnation(WORKER)), faults, "one fault, against the holder");
        assertTrue(ledger.isCutOff(WORKER));
    }

    /**
     * A worker rewrites the channel's owner (the CM doorbell it rings): the ledger's check of a held channel finds it.
     */
    private void scribbleOn(final long channelId)
    {
        final long slotOffset = temp.segment().layout().channelSlotOffset(ChannelId.slot(channelId));
        temp.segment().memory().putInt(slotOffset + ChannelSlotDescriptor.OWNER_OFFSET, 7);
    }

    /**
     * A connection as far as the ledger is concerned: the channel it was given.
     */
    private static final class Held implements Connection
    {
        long channelId = ChannelId.NONE;
        int workerSlot = -1;
        ChannelEnd end;

        @Override
        public void onChannel(final long channelId, final int workerSlot, final ChannelEnd end)
        {
            this.channelId = channelId;
            this.workerSlot = workerSlot;
            this.end = end;
        }

        @Override
        public void onReadable()
        {
        }

        @Override
        public void onWritable()
        {
        }

        @Override
        public int onOutbound()
        {
            return 0;
        }

        @Override
        public void onRingSpace()
        {
        }

        @Override
        public boolean retryDispatch()
        {
            return true;
        }

        @Override
        public void checkTimeout(final long nowNs)
        {
        }

        @Override
        public void onWorkerLost()
        {
            channelId = ChannelId.NONE;
        }

        @Override
        public void onWorkerFault(final String what)
        {
        }

        @Override
        public void abandon()
        {
        }

        @Override
        public void close()
        {
        }

        @Override
        public long channelId()
        {
            return channelId;
        }

        @Override
        public ChannelKind channelKind()
        {
            return ChannelKind.HTTP;
        }

        @Override
        public int workerSlot()
        {
            return workerSlot;
        }
    }
}
