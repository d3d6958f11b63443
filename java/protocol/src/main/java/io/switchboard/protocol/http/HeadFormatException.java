package io.switchboard.protocol.http;

/**
 * An encoded head is malformed: a length runs past its frame, a count is
 * impossible. The peer that wrote it is broken; the message says where.
 */
public final class HeadFormatException extends RuntimeException
{
    public HeadFormatException(final String message)
    {
        super(message);
    }
}
