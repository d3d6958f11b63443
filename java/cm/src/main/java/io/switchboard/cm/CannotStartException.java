package io.switchboard.cm;

/**
 * The instance cannot start for a reason its message says in full, with the option or the environment to change
 * (a configuration that fails its checks, a {@code /dev/shm} too small for the segment): reported without a stack
 * trace, which would only bury the sentence.
 */
public final class CannotStartException extends RuntimeException
{
    public CannotStartException(final String message)
    {
        super(message);
    }
}
