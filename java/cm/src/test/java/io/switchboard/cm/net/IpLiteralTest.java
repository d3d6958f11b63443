package io.switchboard.cm.net;

import io.switchboard.protocol.http.HttpHeadDescriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class IpLiteralTest
{
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "1.2.3.4", "255.255.255.255", "192.168.100.200", "10.0.0.1"})
    void shouldReadIpv4AsMapped(final String literal)
    {
        final byte[] into = new byte[16];
        assertEquals(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, parse(" " + literal + " ", into));
        final byte[] expected = new byte[16];
        expected[10] = (byte)0xFF;
        expected[11] = (byte)0xFF;
        System.arraycopy(InetAddress.ofLiteral(literal).getAddress(), 0, expected, 12, 4);
        assertArrayEquals(expected, into);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "ff01::101",
        "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::ffff:1.2.3.4", "::13.1.68.3", "64:ff9b::192.0.2.33",
        "1:2:3:4:5:6:1.2.3.4", "fe80::abcd:0:0:12"})
    void shouldReadIpv6(final String literal)
    {
        final byte[] into = new byte[16];
        java.util.Arrays.fill(into, (byte)0x5A);
        assertEquals(HttpHeadDescriptor.ADDRESS_FAMILY_IPV6, parse(" " + literal + " ", into), literal);
        assertArrayEquals(sixteen(literal), into, literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.", ".1.2.3", "1..2.3",
        "1.2.3.4:80", "[::1]", "::1%eth0", ":1", "1:", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
        "12345::", "g::1", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:1.2.3.4", "unknown", "_hidden", "1.2.3.4 5"})
    void shouldRefuseWhatIsNotAnAddress(final String text)
    {
        assertEquals(HttpHeadDescriptor.ADDRESS_FAMILY_NONE, parse(text, new byte[16]), text);
    }

    /** Parses the literal inside {@code text} without the spaces around it, as the encoder trims them. */
    private static int parse(final String text, final byte[] into)
    {
        final byte[] bytes = ("<" + text + ">").getBytes(StandardCharsets.ISO_8859_1);
        int from = 1;
        int to = bytes.length - 1;
        while (from < to && bytes[from] == ' ')
        {
            from++;
        }
        while (to > from && bytes[to - 1] == ' ')
        {
            to--;
        }
        return IpLiteral.parse(bytes, from, to, into);
    }

    private static byte[] sixteen(final String literal)
    {
        final byte[] raw = InetAddress.ofLiteral(literal).getAddress();
        if (raw.length == 16)
        {
            return raw;
        }
        final byte[] mapped = new byte[16];
        mapped[10] = (byte)0xFF;
        mapped[11] = (byte)0xFF;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
