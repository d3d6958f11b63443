package io.switchboard.rpc;

import com.fasterxml.jackson.core.JacksonException;
import io.switchboard.rpc.codec.FrameBuffer;

/**
 * What a session's messages say of a failure: whether a frame was too long to encode, and the innermost message
 * (Jackson's without its location noise).
 */
final class Failures
{
    private Failures()
    {
    }

    static boolean isFrameTooLong(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof FrameBuffer.FrameTooLongException)
            {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        final String message = cause instanceof JacksonException jackson ? jackson.getOriginalMessage() :
            cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
