package io.switchboard.worker.runtime;

/**
 * An application's {@link io.switchboard.worker.http.HttpApplication#start} threw: the worker does not start.
 */
final class ApplicationStartException extends RuntimeException
{
    ApplicationStartException(final String application, final Throwable cause)
    {
        super("application " + application + " failed to start: " + cause, cause);
    }
}
