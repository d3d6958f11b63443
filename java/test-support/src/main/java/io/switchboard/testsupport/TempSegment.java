package io.switchboard.testsupport;

import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.SegmentNames;
import io.switchboard.ipc.segment.SharedSegment;

/**
 * A segment created for one test or benchmark and removed after it, whatever
 * happened: {@code try (TempSegment temp = TempSegment.create(layout)) { ... }}.
 */
public final class TempSegment implements AutoCloseable
{
    private final SharedSegment segment;

    private TempSegment(final SharedSegment segment)
    {
        this.segment = segment;
    }

    public static TempSegment create(final SegmentLayout layout)
    {
        final ProcessIdentity self = ProcessIdentity.self();
        return new TempSegment(SharedSegment.create(SegmentNames.newName(self.pid()), layout, self));
    }

    public SharedSegment segment()
    {
        return segment;
    }

    public String name()
    {
        return segment.name();
    }

    public void close()
    {
        try
        {
            segment.unlink();
        }
        finally
        {
            segment.close();
        }
    }
}
