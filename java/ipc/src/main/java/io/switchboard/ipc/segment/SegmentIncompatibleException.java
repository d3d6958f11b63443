package io.switchboard.ipc.segment;

/**
 * A shared-memory object is not a segment this build can attach to: a foreign
 * file, a segment not yet initialised, another layout version, or a header
 * whose sizes disagree with each other or with the file. The message names the
 * segment and the numbers that disagree.
 */
public final class SegmentIncompatibleException extends RuntimeException
{
    public SegmentIncompatibleException(final String message)
    {
        super(message);
    }
}
