package io.switchboard.cm.config;

/**
 * The configuration cannot be used: the message says what is wrong and where (the file and line, or the
 * command line) in one line, naming the option as it is written ({@code --head-timeout-ms}). A usage error:
 * the CM exits with status 2 before it starts anything.
 */
public final class ConfigException extends RuntimeException
{
    public ConfigException(final String message)
    {
        super(message);
    }
}
