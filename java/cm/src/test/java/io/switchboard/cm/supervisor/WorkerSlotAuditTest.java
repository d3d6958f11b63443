package io.switchboard.cm.supervisor;

import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.WorkerSlotDescriptor;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;
import io.switchboard.testsupport.TempSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerSlotAuditTest
{
    private TempSegment temp;
    private WorkerSlots slots;
    private WorkerSlotAudit audit;
    private long slotOffset;

    @BeforeEach
    void claimAndReady()
    {
        temp = TempSegment.create(new SegmentLayout(2, 4, 1024, 1));
        slots = new WorkerSlots(temp.segment());
        audit = new WorkerSlotAudit(slots, 2, NanoClock.SYSTEM);
        slotOffset = temp.segment().layout().workerSlotOffset(1);
        assertTrue(slots.claim(1, new ProcessIdentity(4242, 777)));
        audit.onClaimed(1);
        assertTrue(slots.markReady(1));
    }

    @AfterEach
    void close()
    {
        temp.close();
    }

    @Test
    void shouldFindNothingWrongWithAWorkerThatBeats()
    {
        assertNull(audit.check(1));
        slots.heartbeat(1, System.nanoTime());
        assertNull(audit.check(1));
        slots.setState(1, WorkerState.DRAINING);
        assertNull(audit.check(1));
    }

    @Test
    void shouldReportAStateTheWorkerMayNotWrite()
    {
        slots.setState(1, WorkerState.STARTING);
        assertContains(audit.check(1), "state=STARTING");
        temp.segment().memory().putInt(slotOffset + WorkerSlotDescriptor.STATE_OFFSET, 0x7777);
        assertContains(audit.check(1), "state=null");
    }

    @Test
    void shouldReportAHeartbeatInTheFutureOrGoingBackwards()
    {
        slots.heartbeat(1, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        assertContains(audit.check(1), "in the future");

        slots.heartbeat(1, System.nanoTime());
        assertNull(audit.check(1));
        slots.heartbeat(1, System.nanoTime() - TimeUnit.SECONDS.toNanos(10));
        assertContains(audit.check(1), "went backwards");
    }

    @Test
    void shouldReportARewrittenIdentity()
    {
        temp.segment().memory().putInt(slotOffset + WorkerSlotDescriptor.PID_OFFSET, 1);
        assertContains(audit.check(1), "pid=1 startTime=777");
        temp.segment().memory().putInt(slotOffset + WorkerSlotDescriptor.PID_OFFSET, 4242);
        assertNull(audit.check(1));
        temp.segment().memory().putLong(slotOffset + WorkerSlotDescriptor.EPOCH_OFFSET, 99);
        assertContains(audit.check(1), "epoch=99");
    }

    private static void assertContains(final String text, final String part)
    {
        assertTrue(text != null && text.contains(part), "expected '" + part + "' in: " + text);
    }
}
