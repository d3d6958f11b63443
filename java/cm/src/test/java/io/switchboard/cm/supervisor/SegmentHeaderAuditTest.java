package io.switchboard.cm.supervisor;

import io.switchboard.ipc.segment.SegmentHeaderDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.testsupport.TempSegment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentHeaderAuditTest
{
    @Test
    void shouldRestoreARewrittenCmPidAndLeaveTheHeartbeatAlone()
    {
        try (TempSegment temp = TempSegment.create(new SegmentLayout(1, 4, 1024, 1)))
        {
            final SharedSegment segment = temp.segment();
            final SegmentHeaderAudit audit = new SegmentHeaderAudit(segment);
            final int pid = segment.memory().getInt(SegmentHeaderDescriptor.CM_PID_OFFSET);
            assertNull(audit.checkAndRestore());

            segment.memory().putLong(SegmentHeaderDescriptor.CM_HEARTBEAT_OFFSET, 12345L);
            assertNull(audit.checkAndRestore(), "the heartbeat is the CM's to move");

            // flip bits of the lowest byte, so the first byte rewritten is 88 whatever the pid (1 was not, for a
            // pid whose lowest byte is 1)
            segment.memory().putInt(SegmentHeaderDescriptor.CM_PID_OFFSET, pid ^ 0x5A);
            final String wrong = audit.checkAndRestore();
            assertTrue(wrong != null && wrong.contains("bytes 88..") && wrong.contains("restored"), wrong);
            assertEquals(pid, segment.memory().getInt(SegmentHeaderDescriptor.CM_PID_OFFSET));
            try (SharedSegment attached = SharedSegment.attach(segment.name()))
            {
                assertEquals(pid, attached.cmProcess().pid());
            }
            assertNull(audit.checkAndRestore());
        }
    }
}
