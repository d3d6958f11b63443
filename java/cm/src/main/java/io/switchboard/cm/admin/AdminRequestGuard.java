package io.switchboard.cm.admin;

import io.switchboard.cm.http.HttpMethod;
import io.switchboard.cm.http.RequestHead;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a request may reach the admin endpoints at all, before any of
 * them runs: the admin listener has no authentication, so it must not be
 * reachable from a web page that a browser on the same host happens to show.
 * <ul>
 *     <li><b>Host</b> (against DNS rebinding: a page of {@code evil.example} whose name the attacker then points
 *     at 127.0.0.1 is same-origin with its own scripts, and its requests carry {@code Host: evil.example}): only
 *     a loopback literal ({@code 127.0.0.1}, any {@code 127.x.y.z}, {@code [::1]}), {@code localhost}, the bind
 *     address itself, and the names and literals configured with {@code --admin-allowed-hosts}; any port, so
 *     that an SSH tunnel's local port works. Anything else: 421.</li>
 *     <li><b>Origin</b> (against cross-site request forgery: a form or {@code fetch} on any site may POST to
 *     {@code http://127.0.0.1:8082}, and the browser sends it): a request other than GET and HEAD that carries
 *     an {@code Origin} other than this listener's own ({@code http://} and the Host as sent), or a
 *     {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}, is refused with 403. Tools such as
 *     curl send neither field and pass.</li>
 * </ul>
 * Refusal bodies say what to change and never echo the peer's bytes.
 * <p>
 * Immutable, so thread-safe.
 */
final class AdminRequestGuard
{
    private static final String LOOPBACK_NAME = "localhost";

    private final Set<InetAddress> allowedAddresses = new HashSet<>();
    private final Set<String> allowedNames = new HashSet<>();

    /**
     * @param allowedHosts names and address literals (IPv6 with or without brackets) allowed besides the loopback
     *                     ones.
     * @param bound        the address listened on: allowed as a Host literal unless it is the wildcard.
     * @throws IllegalArgumentException naming an entry that is neither a host name nor an address literal.
     */
    AdminRequestGuard(final List<String> allowedHosts, final InetAddress bound)
    {
        allowedNames.add(LOOPBACK_NAME);
        if (!bound.isAnyLocalAddress())
        {
            allowedAddresses.add(bound);
        }
        for (final String entry : allowedHosts)
        {
            final String host = entry.strip().toLowerCase(Locale.ROOT);
            if (host.isEmpty())
            {
                continue;
            }
            final InetAddress literal = literal(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
            if (literal != null)
            {
                allowedAddresses.add(literal);
            }
            else if (host.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.'))
            {
                allowedNames.add(host);
            }
            else
            {
                throw new IllegalArgumentException("--admin-allowed-hosts takes host names or address literals, " +
                    "without port: " + entry);
            }
        }
    }

    /**
     * @param head a parsed request head.
     * @return null when the request may be served, else the refusal to send.
     */
    AdminResponse refusal(final RequestHead head)
    {
        final String host = head.host();
        if (host == null || !isAllowedHost(hostName(host)))
        {
            return AdminResponse.text(421, "the admin listener answers requests for 127.0.0.1, localhost or [::1] " +
                "(any port) and the names given with --admin-allowed-hosts, not for the host this request named\n");
        }
        if (head.method() == HttpMethod.GET || head.method() == HttpMethod.HEAD)
        {
            return null;
        }
        for (int i = head.findHeader("sec-fetch-site", 0); i >= 0; i = head.findHeader("sec-fetch-site", i + 1))
        {
            final String site = head.headerValue(i);
            if (!"same-origin".equalsIgnoreCase(site) && !"none".equalsIgnoreCase(site))
            {
                return crossSite();
            }
        }
        final String ownOrigin = "http://" + host;
        for (int i = head.findHeader("origin", 0); i >= 0; i = head.findHeader("origin", i + 1))
        {
            if (!ownOrigin.equalsIgnoreCase(head.headerValue(i)))
            {
                return crossSite();
            }
        }

        return null;
    }

    private boolean isAllowedHost(final String name)
    {
        if (allowedNames.contains(name))
        {
            return true;
        }
        final InetAddress literal = literal(name);

        return literal != null && (literal.isLoopbackAddress() || allowedAddresses.contains(literal));
    }

    private static AdminResponse crossSite()
    {
        return AdminResponse.text(403, "the admin listener refuses requests sent by a web page of another origin " +
            "(Origin, Sec-Fetch-Site); send it from a tool such as curl or ./switchboard\n");
    }

    /**
     * @param host {@code uri-host [":" port]}, as the parser validated it.
     * @return the host without its port, in lower case; IPv6 literals keep their brackets.
     */
    static String hostName(final String host)
    {
        final int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.indexOf(':');

        return (end <= 0 ? host : host.substring(0, end)).toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an address literal without asking DNS: dotted IPv4, or IPv6 in brackets.
     *
     * @return the address, or null for a name or a malformed literal.
     */
    private static InetAddress literal(final String host)
    {
        try
        {
            if (host.startsWith("[") && host.endsWith("]"))
            {
                return InetAddress.ofLiteral(host.substring(1, host.length() - 1));
            }
            if (!host.isEmpty() && host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')))
            {
                return Inet4Address.ofLiteral(host);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // not a literal of either family: a name, or nothing allowed
        }

        return null;
    }
}
