package io.switchboard.cm.net;

import io.switchboard.cm.observe.RequestEvent;
import io.switchboard.protocol.http.HttpHeadDescriptor;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The address and port of a connection's peer (the client, or a proxy in front of it), read from the socket once,
 * when the connection is adopted, and kept for all of its requests: the bytes every REQUEST_HEAD carries, the
 * text the CM adds to {@code X-Forwarded-For} and {@code Forwarded}, and whether the peer is one of
 * {@code --trusted-proxies}. Nothing here is computed per request.
 * <pre>
 *   address()    16 bytes, network order; an IPv4 peer IPv4-mapped: 0 x 10, 0xFF, 0xFF, a, b, c, d
 *   port()       0-65535 (0 when not known())
 *   ipv4()       the peer is IPv4 (its address is in the last four bytes)
 * </pre>
 * For the access log and anything else that reports a connection's peer without allocating per request.
 * Immutable; the array {@link #address()} returns is the holder's own and must not be written.
 */
public final class ClientAddress
{
    public static final int ADDRESS_LENGTH = HttpHeadDescriptor.REMOTE_ADDRESS_LENGTH;

    /** A peer the socket could not name (it was closed before the connection was adopted). */
    static final ClientAddress UNKNOWN = new ClientAddress(HttpHeadDescriptor.ADDRESS_FAMILY_NONE,
        new byte[ADDRESS_LENGTH], 0, TrustedProxies.NONE, "unknown", "unknown");

    private final int family;
    private final byte[] address;
    private final int port;
    private final boolean trustedProxy;
    /** Whom a trusted proxy's forwarded addresses are checked against; NONE for any other peer. */
    private final TrustedProxies trusted;
    private final String text;
    /** The X-Forwarded-For element: {@code 192.0.2.1}, {@code 2001:db8::1}, {@code unknown}. */
    private final byte[] forwardedFor;
    /** The Forwarded element (RFC 7239): {@code for=192.0.2.1}, {@code for="[2001:db8::1]"}, {@code for=unknown}. */
    private final byte[] forwardedElement;
    /** Offset and length of the address as reported (the access log): 4 bytes for IPv4, 16 for IPv6, 0 unknown. */
    private final int reportOffset;
    private final int reportLength;

    private ClientAddress(final int family, final byte[] address, final int port, final TrustedProxies trusted,
        final String text, final String node)
    {
        this.family = family;
        this.address = address;
        this.port = port;
        this.trustedProxy = family != HttpHeadDescriptor.ADDRESS_FAMILY_NONE && trusted.contains(address);
        this.trusted = trustedProxy ? trusted : TrustedProxies.NONE;
        this.text = text;
        this.forwardedFor = text.getBytes(StandardCharsets.US_ASCII);
        this.forwardedElement = ("for=" + node).getBytes(StandardCharsets.US_ASCII);
        this.reportOffset = family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4 ? ADDRESS_LENGTH - 4 : 0;
        this.reportLength = family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4 ? 4 :
            family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV6 ? ADDRESS_LENGTH : 0;
    }

    /**
     * The peer of a socket for what only reports it (a session's or a refused connection's request event): no
     * forwarding decision is made with it, so no proxy is trusted.
     *
     * @return the peer; {@link #UNKNOWN} when the socket cannot name it (closed already).
     */
    public static ClientAddress of(final SocketChannel socket)
    {
        try
        {
            return of(socket.getRemoteAddress(), TrustedProxies.NONE);
        }
        catch (final IOException | RuntimeException ex)
        {
            return UNKNOWN;
        }
    }

    /**
     * Copies the peer into a request event: 4 bytes for IPv4, 16 for IPv6, none (logged as {@code -}) when not
     * known. Allocates nothing.
     */
    public void copyInto(final RequestEvent event)
    {
        event.clientAddress(address, reportOffset, reportLength, port);
    }

    /**
     * @param remote  the socket's remote address; null or not an IP socket address gives an unknown peer.
     * @param trusted the proxies whose forwarding fields the CM keeps.
     */
    static ClientAddress of(final SocketAddress remote, final TrustedProxies trusted)
    {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null)
        {
            return UNKNOWN;
        }
        final byte[] raw = inet.getAddress().getAddress();
        final byte[] address = new byte[ADDRESS_LENGTH];
        if (inet.getAddress() instanceof Inet4Address)
        {
            address[10] = (byte)0xFF;
            address[11] = (byte)0xFF;
            System.arraycopy(raw, 0, address, 12, 4);
            final String text = (raw[0] & 0xFF) + "." + (raw[1] & 0xFF) + "." + (raw[2] & 0xFF) + "." + (raw[3] & 0xFF);
            return new ClientAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, address, inet.getPort(), trusted, text, text);
        }
        if (inet.getAddress() instanceof Inet6Address)
        {
            System.arraycopy(raw, 0, address, 0, ADDRESS_LENGTH);
            final String text = ipv6Text(address);
            // RFC 7239 section 6: an IPv6 node is bracketed, and then must be quoted
            return new ClientAddress(HttpHeadDescriptor.ADDRESS_FAMILY_IPV6, address, inet.getPort(), trusted, text,
                "\"[" + text + "]\"");
        }
        return UNKNOWN;
    }

    /**
     * @return the 16 address bytes (layout above). The holder's own array: read it, do not write it.
     */
    public byte[] address()
    {
        return address;
    }

    public int port()
    {
        return port;
    }

    /**
     * @return true for an IPv4 peer, whose address is the last four bytes of {@link #address()}.
     */
    public boolean ipv4()
    {
        return family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4;
    }

    /**
     * @return false when the socket could not name its peer; the address and port are then 0.
     */
    public boolean known()
    {
        return family != HttpHeadDescriptor.ADDRESS_FAMILY_NONE;
    }

    /**
     * @return {@code HttpHeadDescriptor.ADDRESS_FAMILY_IPV4}, {@code _IPV6} or {@code _NONE}.
     */
    public int family()
    {
        return family;
    }

    /**
     * @return true when the peer is one of {@code --trusted-proxies}: the forwarding fields it sends are kept and
     * appended to.
     */
    public boolean trustedProxy()
    {
        return trustedProxy;
    }

    /**
     * @return the proxies a trusted peer's forwarded addresses are checked against; none for another peer.
     */
    TrustedProxies trustedProxies()
    {
        return trusted;
    }

    byte[] forwardedFor()
    {
        return forwardedFor;
    }

    byte[] forwardedElement()
    {
        return forwardedElement;
    }

    /**
     * @return the address as text, without the port: {@code 192.0.2.1}, {@code 2001:db8::1} (RFC 5952),
     * {@code unknown}. Made once.
     */
    public String text()
    {
        return text;
    }

    @Override
    public String toString()
    {
        return family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV6 ? "[" + text + "]:" + port : text + ":" + port;
    }

    /**
     * The RFC 5952 form: lower-case hex, no leading zeros, the longest run of two or more zero groups (the first of
     * equals) as {@code ::}. The zone, if any, is left out.
     */
    static String ipv6Text(final byte[] address)
    {
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = (address[2 * i] & 0xFF) << 8 | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; )
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int end = i;
            while (end < 8 && groups[end] == 0)
            {
                end++;
            }
            if (end - i > bestLength)
            {
                bestStart = i;
                bestLength = end - i;
            }
            i = end;
        }

        final StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':')
            {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
