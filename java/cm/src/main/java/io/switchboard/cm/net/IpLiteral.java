package io.switchboard.cm.net;

import io.switchboard.protocol.http.HttpHeadDescriptor;

/**
 * Reads an IP address literal out of a field value in place, into 16 bytes (IPv4 IPv4-mapped), allocating
 * nothing: the elements of an {@code X-Forwarded-For} list, per request. Strict: IPv4 as four decimal octets
 * ({@code 10.1} and {@code 010.0.0.1} are not addresses), IPv6 per RFC 4291 section 2.2 (hex groups, one
 * {@code ::}, a dotted IPv4 tail), no brackets, zone or port.
 */
final class IpLiteral
{
    private IpLiteral()
    {
    }

    /**
     * @param into 16 bytes of scratch: the address when it is one, else anything.
     * @return {@link HttpHeadDescriptor#ADDRESS_FAMILY_IPV4} or {@code _IPV6}, or {@code _NONE} when
     * {@code [from, to)} is not an address.
     */
    static int parse(final byte[] bytes, final int from, final int to, final byte[] into)
    {
        if (to - from < 2)
        {
            return HttpHeadDescriptor.ADDRESS_FAMILY_NONE;
        }
        for (int i = from; i < to; i++)
        {
            if (bytes[i] == ':')
            {
                return parseIpv6(bytes, from, to, into) ? HttpHeadDescriptor.ADDRESS_FAMILY_IPV6 :
                    HttpHeadDescriptor.ADDRESS_FAMILY_NONE;
            }
        }
        final long v4 = parseIpv4(bytes, from, to);
        if (v4 < 0)
        {
            return HttpHeadDescriptor.ADDRESS_FAMILY_NONE;
        }
        for (int i = 0; i < 10; i++)
        {
            into[i] = 0;
        }
        into[10] = (byte)0xFF;
        into[11] = (byte)0xFF;
        putInt(into, 12, (int)v4);
        return HttpHeadDescriptor.ADDRESS_FAMILY_IPV4;
    }

    /**
     * @return the address, 0 to 2^32 - 1, or -1 when not a dotted quad.
     */
    private static long parseIpv4(final byte[] bytes, final int from, final int to)
    {
        long value = 0;
        int octets = 0;
        int i = from;
        while (i < to)
        {
            final int start = i;
            int octet = 0;
            while (i < to && bytes[i] >= '0' && bytes[i] <= '9' && i - start < 3)
            {
                octet = octet * 10 + (bytes[i] - '0');
                i++;
            }
            final int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && bytes[start] == '0'))
            {
                return -1;
            }
            value = value << 8 | octet;
            octets++;
            if (i == to)
            {
                break;
            }
            if (bytes[i] != '.' || octets == 4)
            {
                return -1;
            }
            i++;
            if (i == to)
            {
                return -1;
            }
        }
        return octets == 4 ? value : -1;
    }

    private static boolean parseIpv6(final byte[] bytes, final int from, final int to, final byte[] into)
    {
        // groups before the "::" go to the front; those after it are written after them and moved to the back
        int groups = 0;
        int gap = -1;
        int i = from;
        final byte[] out = into;
        if (bytes[i] == ':')
        {
            if (bytes[i + 1] != ':')
            {
                return false;
            }
            gap = 0;
            i += 2;
        }
        while (i < to)
        {
            if (groups == 8)
            {
                return false;
            }
            final int start = i;
            int group = 0;
            while (i < to && i - start < 5 && hex(bytes[i]) >= 0)
            {
                group = group << 4 | hex(bytes[i]);
                i++;
            }
            if (i < to && bytes[i] == '.')
            {
                // a dotted IPv4 tail: the last two groups
                if (groups > 6 || (gap < 0 && groups != 6))
                {
                    return false;
                }
                final long v4 = parseIpv4(bytes, start, to);
                if (v4 < 0)
                {
                    return false;
                }
                putShort(out, 2 * groups, (int)(v4 >>> 16));
                putShort(out, 2 * groups + 2, (int)v4);
                groups += 2;
                i = to;
                break;
            }
            if (i == start || i - start > 4)
            {
                return false;
            }
            if (groups >= 8)
            {
                return false;
            }
            putShort(out, 2 * groups, group);
            groups++;
            if (i == to)
            {
                break;
            }
            if (bytes[i] != ':')
            {
                return false;
            }
            i++;
            if (i < to && bytes[i] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }
                gap = groups;
                i++;
            }
            else if (i == to)
            {
                // a single trailing colon
                return false;
            }
        }
        if (gap < 0)
        {
            return groups == 8;
        }
        if (groups > 7)
        {
            return false;
        }
        // move the groups after the gap to the end, zero the gap
        final int tail = groups - gap;
        for (int k = tail - 1; k >= 0; k--)
        {
            final int source = 2 * (gap + k);
            final int target = 2 * (8 - tail + k);
            out[target] = out[source];
            out[target + 1] = out[source + 1];
        }
        for (int k = 2 * gap; k < 2 * (8 - tail); k++)
        {
            out[k] = 0;
        }
        return true;
    }

    private static int hex(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }

    private static void putShort(final byte[] into, final int at, final int value)
    {
        into[at] = (byte)(value >>> 8);
        into[at + 1] = (byte)value;
    }

    private static void putInt(final byte[] into, final int at, final int value)
    {
        putShort(into, at, value >>> 16);
        putShort(into, at + 2, value);
    }
}
