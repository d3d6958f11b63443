package io.switchboard.ipc.segment;

import io.switchboard.ipc.process.ProcessIdentity;

/**
 * Creates throwaway segments for the tests of this module.
 */
public final class SegmentTestSupport
{
    private SegmentTestSupport()
    {
    }

    public static SharedSegment create(final SegmentLayout layout)
    {
        final ProcessIdentity self = ProcessIdentity.self();
        return SharedSegment.create(SegmentNames.newName(self.pid()), layout, self);
    }

    public static void destroy(final SharedSegment segment)
    {
        if (null != segment)
        {
            segment.unlink();
            segment.close();
        }
    }
}
