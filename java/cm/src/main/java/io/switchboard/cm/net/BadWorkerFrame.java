package io.switchboard.cm.net;

/**
 * A frame from a worker that cannot be right: the connection reporting it fails its exchange, and the
 * worker is cut off. Thrown only where what the worker wrote has been checked and found wrong, never for
 * a fault of the CM's own.
 */
final class BadWorkerFrame extends RuntimeException
{
    BadWorkerFrame(final String message)
    {
        super(message, null, false, false);
    }
}
