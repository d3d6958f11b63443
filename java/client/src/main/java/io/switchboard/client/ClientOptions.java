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
 * @param connectTimeout  bounds the TCP connect and the HELLO/WELCOME handshake, each.
 * @param defaultDeadline of every call unless a proxy says otherwise; {@link Duration#ZERO} for none.
 * @param clientName      sent in the HELLO, for the CM's logs.
 * @param affinity        sent in the HELLO: sessions with the same affinity are served by the same worker while it
 *                        lives (worker objects that share state across sessions, like the demo's chat room); null for
 *                        none.
 * @param pingInterval    keeps the session alive: after this long with no frames either way, the client sends a PING
 *                        (a CM may end sessions idle for longer), and when nothing comes back within another interval
 *                        it takes the connection for dead and ends the session, failing its calls with
 *                        {@link io.switchboard.rpc.SessionLostException}. Sent in the HELLO as
 *                        {@code pingIntervalMs}. {@link Duration#ZERO} for none; else at least 1 ms.
 */
public record ClientOptions(Duration connectTimeout, Duration defaultDeadline, String clientName, String affinity,
    Duration pingInterval)
{
    /**
     * The default {@link #pingInterval()}: well inside any idle timeout a CM would set.
     */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);

    public ClientOptions
    {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(defaultDeadline, "defaultDeadline");
        Objects.requireNonNull(pingInterval, "pingInterval");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || defaultDeadline.isNegative() ||
            pingInterval.isNegative() || (!pingInterval.isZero() && pingInterval.toMillis() < 1))
        {
            throw new IllegalArgumentException("connectTimeout=" + connectTimeout + " (> 0), defaultDeadline=" +
                defaultDeadline + " (>= 0), pingInterval=" + pingInterval + " (0 or >= 1 ms)");
        }
    }

    public static ClientOptions defaults()
    {
        return new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(30), null, null, DEFAULT_PING_INTERVAL);
    }

    public ClientOptions withConnectTimeout(final Duration timeout)
    {
        return new ClientOptions(timeout, defaultDeadline, clientName, affinity, pingInterval);
    }

    public ClientOptions withDefaultDeadline(final Duration deadline)
    {
        return new ClientOptions(connectTimeout, deadline, clientName, affinity, pingInterval);
    }

    public ClientOptions withClientName(final String name)
    {
        return new ClientOptions(connectTimeout, defaultDeadline, name, affinity, pingInterval);
    }

    public ClientOptions withAffinity(final String key)
    {
        return new ClientOptions(connectTimeout, defaultDeadline, clientName, key, pingInterval);
    }

    /**
     * @param interval {@link Duration#ZERO} for no keepalive.
     */
    public ClientOptions withPingInterval(final Duration interval)
    {
        return new ClientOptions(connectTimeout, defaultDeadline, clientName, affinity, interval);
    }
}
