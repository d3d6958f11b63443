package io.switchboard.cm.http;

/**
 * A response header from a worker that the CM will not write: a name that is
 * not a token, a value holding CR, LF or another control byte (a response
 * splitting attempt or a bug), or a name the CM writes itself (framing,
 * connection management, Date, Server). The message names the field and the
 * index and code of the bad character, never the value itself, which may
 * carry a secret; the worker that sent it is at fault, the client gets a 502.
 */
public final class InvalidHeaderException extends IllegalArgumentException
{
    public InvalidHeaderException(final String message)
    {
        super(message);
    }
}
