package io.switchboard.cm.supervisor;

import io.switchboard.ipc.SharedMemory;
import io.switchboard.ipc.segment.SegmentHeaderDescriptor;
import io.switchboard.ipc.segment.SharedSegment;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * Keeps the segment header's first cache lines (layout in
 * {@link SegmentHeaderDescriptor}: magic, version, sizes, offsets, the CM's pid,
 * start time and epoch) as the CM wrote them. Nobody writes them after
 * creation, but every worker can: a worker that rewrote the CM's pid would make
 * every replacement started afterwards take the CM for dead and exit at once,
 * and rewritten sizes make it refuse to attach. Who wrote cannot be told (every
 * worker maps the header), so the audit logs and restores, and kills no one.
 * <p>
 * Not thread-safe: the supervisor's thread.
 */
final class SegmentHeaderAudit
{
    /** The fixed fields: the first 128 bytes; the CM heartbeat after them is the CM's to move. */
    static final int CHECKED_LENGTH = SharedMemory.PADDED_LENGTH;

    private final SharedBuffer header;
    private final byte[] expected;

    SegmentHeaderAudit(final SharedSegment segment)
    {
        this.header = segment.memory().slice(0, CHECKED_LENGTH);
        this.expected = header.toByteArray(0, CHECKED_LENGTH);
    }

    /**
     * @return what was rewritten (and is now restored), for the log, or null if the header is as written.
     */
    String checkAndRestore()
    {
        int first = -1;
        int last = -1;
        for (int i = 0; i < CHECKED_LENGTH; i++)
        {
            if (header.getByte(i) != expected[i])
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0)
        {
            return null;
        }
        // the magic is at offset 0 and written in the same copy; a worker attaching meanwhile may see a torn
        // header and retry or refuse, as it would have with the rewritten one
        header.putBytes(0, expected, 0, CHECKED_LENGTH);
        return "segment header bytes " + first + ".." + last + " rewritten (by a worker: no other process maps it); restored";
    }
}
