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
 * @param affinity   sent in the HELLO: sessions with the same affinity are served by the same worker while it lives
 *                   (worker objects that share state across sessions, like the demo's chat room); null for none.
 */
public record ClientOptions(Duration connectTimeout, Duration defaultDeadline, String clientName, String affinity)
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
        return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), null, null);
    }

    public ClientOptions withConnectTimeout(final Duration timeout)
    {
        return new ClientOptions(timeout, defaultDeadline, clientName, affinity);
    }

    public ClientOptions withDefaultDeadline(final Duration deadline)
    {
        return new ClientOptions(connectTimeout, deadline, clientName, affinity);
    }

    public ClientOptions withClientName(final String name)
    {
        return new ClientOptions(connectTimeout, defaultDeadline, name, affinity);
    }

    public ClientOptions withAffinity(final String key)
    {
        return new ClientOptions(connectTimeout, defaultDeadline, clientName, key);
    }
}
