package io.switchboard.ipc.ring;

/**
 * A ring's positions or frame headers are impossible: the peer that writes them
 * is broken or hostile. The ring is unusable from here on; whoever owns the
 * channel cuts that peer off. The message carries the numbers a person needs:
 * the ring's offset in the segment, the positions and the frame header read.
 */
public final class RingCorruptedException extends RuntimeException
{
    public RingCorruptedException(final String message)
    {
        super(message);
    }
}
