package io.switchboard.protocol.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The address and port of the CM's TCP peer for a request, as a REQUEST_HEAD carries them (layout in
 * {@link HttpHeadDescriptor}): the client, or a proxy in front of it. The 128-bit address is held as two
 * longs so that a record of it compares by value; an IPv4 address is IPv4-mapped ({@code ::ffff:a.b.c.d}).
 *
 * @param family {@link HttpHeadDescriptor#ADDRESS_FAMILY_IPV4}, {@code _IPV6} or {@code _NONE}.
 * @param high   the address's first eight bytes, big-endian (network order).
 * @param low    its last eight bytes, big-endian.
 * @param port   0-65535; 0 with {@code _NONE}.
 */
public record RemoteAddress(int family, long high, long low, int port)
{
    /** What a head says when the CM could not tell. */
    public static final RemoteAddress NONE = new RemoteAddress(HttpHeadDescriptor.ADDRESS_FAMILY_NONE, 0, 0, 0);

    /**
     * @return the address's bytes: 4 for IPv4, 16 for IPv6, none for {@code _NONE} (allocates).
     */
    public byte[] bytes()
    {
        if (family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV4)
        {
            final int v4 = (int)low;
            return new byte[] {(byte)(v4 >>> 24), (byte)(v4 >>> 16), (byte)(v4 >>> 8), (byte)v4};
        }
        if (family == HttpHeadDescriptor.ADDRESS_FAMILY_IPV6)
        {
            final byte[] bytes = new byte[16];
            for (int i = 0; i < 8; i++)
            {
                bytes[i] = (byte)(high >>> (56 - 8 * i));
                bytes[8 + i] = (byte)(low >>> (56 - 8 * i));
            }
            return bytes;
        }
        return new byte[0];
    }

    /**
     * @return the address, or null for {@code _NONE}. No name lookup (allocates).
     */
    public InetAddress toInetAddress()
    {
        final InetSocketAddress address = toSocketAddress();
        return address == null ? null : address.getAddress();
    }

    /**
     * @return the address as a socket address, or null for {@code _NONE}. No name lookup (allocates).
     */
    public InetSocketAddress toSocketAddress()
    {
        if (family == HttpHeadDescriptor.ADDRESS_FAMILY_NONE)
        {
            return null;
        }
        try
        {
            // getByAddress does not look names up; an IPv4-mapped IPv6 address becomes an Inet4Address
            return new InetSocketAddress(InetAddress.getByAddress(bytes()), port);
        }
        catch (final UnknownHostException ex)
        {
            // only for an array of another length than 4 or 16, which bytes() never returns
            throw new IllegalStateException(ex);
        }
    }
}
