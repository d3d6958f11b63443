package io.switchboard.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Switchboard#connect} opens a session. Immutable; each {@code with...} returns a copy.
 * <pre>{@code
 * ClientOptions options = ClientOptions.defaults()
 *     .withConnectTimeout(Duration.ofSeconds(2))
 *     .withDefaultDeadline(Duration.ofSeconds(5))
 *     .withClientName("billing-batch");
 * }</pre>
 *
 * @param connectTimeout bounds the TCP connect and the HELLO/WELCOME handshake, each.
 * @param defaultDeadline of every call unless a proxy says otherwise; {@link Duration#ZERO} for none.
 * @param clientName sent in the HELLO, for the CM's logs.
 */
public record ClientOptions(Duration connectTimeout, Duration defaultDeadline, String clientName)
{
    public ClientOptions
    {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(defaultDeadline, "defaultDeadline");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || defaultDeadline.isNegative())
        {
            throw new IllegalArgumentException("connectTimeout=" + connectTimeout + " (> 0), defaultDeadline=" +
                defaultDeadline + " (>= 0)");
        }
    }

    public static ClientOptions defaults()
    {
        return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), null);
    }

    public ClientOptions withConnectTimeout(final Duration timeout)
    {
        return new ClientOptions(timeout, defaultDeadline, clientName);
    }

    public ClientOptions withDefaultDeadline(final Duration deadline)
    {
        return new ClientOptions(connectTimeout, deadline, clientName);
    }

    public ClientOptions withClientName(final String name)
    {
        return new ClientOptions(connectTimeout, defaultDeadline, name);
    }
}
