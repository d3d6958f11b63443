package io.switchboard.cm.admin;

import java.util.List;

/**
 * How the admin listener listens and whom it answers.
 *
 * @param bindAddress      the address to listen on: a literal or a name; {@code 127.0.0.1} unless an operator
 *                         chooses otherwise.
 * @param port             0 for any free port.
 * @param allowedHosts     host names (no port) a request's {@code Host} may carry besides the loopback names
 *                         ({@code 127.0.0.1}, {@code localhost}, {@code [::1]}) and the bind address itself.
 * @param requestTimeoutMs how long a client has to send a whole request, head and body; then 408 and close.
 * @param maxConnections   admin connections served at once; one more is answered 503 and closed.
 */
public record AdminSettings(
    String bindAddress,
    int port,
    List<String> allowedHosts,
    long requestTimeoutMs,
    int maxConnections)
{
    /** Admin connections served at once: an operator's tool needs a few, a flood gets 503. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    public AdminSettings
    {
        if (port < 0 || port > 65_535 || requestTimeoutMs < 1 || requestTimeoutMs > Integer.MAX_VALUE ||
            maxConnections < 1)
        {
            throw new IllegalArgumentException("admin settings out of range (need 0 <= port <= 65535, " +
                "1 <= requestTimeoutMs <= " + Integer.MAX_VALUE + ", maxConnections >= 1): port=" + port +
                ", requestTimeoutMs=" + requestTimeoutMs + ", maxConnections=" + maxConnections);
        }
        allowedHosts = List.copyOf(allowedHosts);
    }
}
