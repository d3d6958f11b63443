package io.switchboard.rpc;

/**
 * A lookup named no deployed service: answered as ERROR 2 (no such object), with the names that are deployed.
 */
final class UnknownServiceException extends RuntimeException
{
    UnknownServiceException(final String message)
    {
        super(message, null, false, false);
    }
}
