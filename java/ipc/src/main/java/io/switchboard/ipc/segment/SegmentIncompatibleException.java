package io.switchboard.ipc.segment;

/**
 * A shared-memory object is not a segment this build can attach to: a foreign
 * file, a segment not yet initialised, another layout version, or a header
 * whose sizes disagree with each other or with the file. The message names the
 * segment and the numbers that disagree.
 */
public final class SegmentIncompatibleException extends RuntimeException
{
    private final boolean uninitialised;

    public SegmentIncompatibleException(final String message)
    {
        this(message, false);
    }

    SegmentIncompatibleException(final String message, final boolean uninitialised)
    {
        super(message);
        this.uninitialised = uninitialised;
    }

    /**
     * @return true when the segment exists but its CM has not published its header yet (magic 0):
     * still being created, or its creator died halfway. Worth waiting for; the other cases are not.
     */
    public boolean isUninitialised()
    {
        return uninitialised;
    }
}
