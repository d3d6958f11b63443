package io.switchboard.cm.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The peers named by {@code --trusted-proxies}: addresses and CIDR blocks, IPv4 and IPv6, parsed once at start.
 * Each block is kept as a 128-bit network and mask in four longs (an IPv4 block as its IPv4-mapped IPv6 block,
 * {@code ::ffff:a.b.c.d/(96 + n)}), so a match is a few masked compares of the 16 bytes a
 * {@link ClientAddress} holds, allocating nothing.
 * <pre>
 *   blocks[4 * i]      network, high 64 bits      blocks[4 * i + 2]  mask, high 64 bits
 *   blocks[4 * i + 1]  network, low 64 bits       blocks[4 * i + 3]  mask, low 64 bits
 * </pre>
 * Host bits set in a block ({@code 10.1.2.3/8}) are ignored, as if the network had been written. Immutable.
 */
public final class TrustedProxies
{
    public static final TrustedProxies NONE = new TrustedProxies(new long[0]);

    private static final String OPTION = "--trusted-proxies";
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

    private final long[] blocks;

    private TrustedProxies(final long[] blocks)
    {
        this.blocks = blocks;
    }

    /**
     * @param entries addresses ({@code 192.0.2.1}, {@code 2001:db8::1}) and blocks ({@code 10.0.0.0/8},
     *                {@code fd00::/8}); literals only, no names (nothing is looked up).
     * @throws IllegalArgumentException naming the option and the entry that is neither.
     */
    public static TrustedProxies parse(final List<String> entries)
    {
        if (entries == null || entries.isEmpty())
        {
            return NONE;
        }
        final long[] blocks = new long[4 * entries.size()];
        for (int i = 0; i < entries.size(); i++)
        {
            parseBlock(entries.get(i), blocks, 4 * i);
        }
        return new TrustedProxies(blocks);
    }

    /**
     * @param address 16 bytes, network order; IPv4 IPv4-mapped.
     * @return whether any block holds it. Allocates nothing.
     */
    public boolean contains(final byte[] address)
    {
        return contains(readLong(address, 0), readLong(address, 8));
    }

    /**
     * @return whether any block holds the address whose high and low 64 bits these are.
     */
    public boolean contains(final long high, final long low)
    {
        final long[] blocks = this.blocks;
        for (int i = 0; i < blocks.length; i += 4)
        {
            if ((high & blocks[i + 2]) == blocks[i] && (low & blocks[i + 3]) == blocks[i + 1])
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the number of blocks.
     */
    public int size()
    {
        return blocks.length / 4;
    }

    private static void parseBlock(final String entry, final long[] blocks, final int at)
    {
        final String trimmed = entry == null ? "" : entry.strip();
        final int slash = trimmed.indexOf('/');
        final String literal = slash < 0 ? trimmed : trimmed.substring(0, slash);
        final byte[] address = new byte[ClientAddress.ADDRESS_LENGTH];
        final int bits;
        if (IPV4.matcher(literal).matches())
        {
            // strict dotted quad: InetAddress would also take 10.1 or 0x7f.1, which nobody means here
            final String[] parts = literal.split("\\.");
            address[10] = (byte)0xFF;
            address[11] = (byte)0xFF;
            for (int i = 0; i < 4; i++)
            {
                address[12 + i] = (byte)Integer.parseInt(parts[i]);
            }
            bits = 96 + prefix(entry, trimmed, slash, 32);
        }
        else if (literal.indexOf(':') >= 0 && literal.indexOf('%') < 0)
        {
            final InetAddress parsed;
            try
            {
                parsed = InetAddress.ofLiteral(literal);
            }
            catch (final IllegalArgumentException ex)
            {
                throw notABlock(entry);
            }
            final byte[] raw = parsed.getAddress();
            if (parsed instanceof Inet4Address)
            {
                // an IPv4-mapped IPv6 literal comes back as IPv4: its prefix counts the 128 bits as written
                address[10] = (byte)0xFF;
                address[11] = (byte)0xFF;
                System.arraycopy(raw, 0, address, 12, 4);
            }
            else
            {
                System.arraycopy(raw, 0, address, 0, ClientAddress.ADDRESS_LENGTH);
            }
            bits = prefix(entry, trimmed, slash, 128);
        }
        else
        {
            throw notABlock(entry);
        }

        final long maskHigh = bits >= 64 ? -1L : (bits == 0 ? 0 : -1L << (64 - bits));
        final long maskLow = bits <= 64 ? 0 : (bits == 128 ? -1L : -1L << (128 - bits));
        blocks[at] = readLong(address, 0) & maskHigh;
        blocks[at + 1] = readLong(address, 8) & maskLow;
        blocks[at + 2] = maskHigh;
        blocks[at + 3] = maskLow;
    }

    private static int prefix(final String entry, final String trimmed, final int slash, final int max)
    {
        if (slash < 0)
        {
            return max;
        }
        final String text = trimmed.substring(slash + 1);
        if (!PREFIX.matcher(text).matches() || Integer.parseInt(text) > max)
        {
            throw notABlock(entry);
        }
        return Integer.parseInt(text);
    }

    private static IllegalArgumentException notABlock(final String entry)
    {
        return new IllegalArgumentException(OPTION + ": '" + entry + "' is not an address or CIDR block");
    }

    private static long readLong(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            value = value << 8 | (bytes[offset + i] & 0xFF);
        }
        return value;
    }
}
