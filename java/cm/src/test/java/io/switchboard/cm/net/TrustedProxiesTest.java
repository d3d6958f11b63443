package io.switchboard.cm.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest
{
    @Test
    void shouldMatchSingleAddressesOnlyExactly() throws Exception
    {
        final TrustedProxies trusted = TrustedProxies.parse(List.of("192.0.2.1", "2001:db8::1"));
        assertTrue(trusted.contains(address("192.0.2.1")));
        assertFalse(trusted.contains(address("192.0.2.2")));
        assertFalse(trusted.contains(address("193.0.2.1")));
        assertTrue(trusted.contains(address("2001:db8::1")));
        assertFalse(trusted.contains(address("2001:db8::2")));
        assertFalse(trusted.contains(address("::1")));
        assertEquals(2, trusted.size());
    }

    @Test
    void shouldMatchIpv4BlocksOnTheirPrefix() throws Exception
    {
        final TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/8", " 172.16.0.0/12 ", "192.0.2.128/25"));
        assertTrue(trusted.contains(address("10.255.3.4")));
        assertFalse(trusted.contains(address("11.0.0.0")));
        assertTrue(trusted.contains(address("172.31.255.255")));
        assertFalse(trusted.contains(address("172.32.0.0")));
        assertTrue(trusted.contains(address("192.0.2.128")));
        assertFalse(trusted.contains(address("192.0.2.127")));
        // an IPv4 block is the IPv4-mapped block, and no other IPv6 address
        assertFalse(trusted.contains(address("::a00:1")));
    }

    @Test
    void shouldMatchIpv6BlocksOnTheirPrefix() throws Exception
    {
        final TrustedProxies trusted = TrustedProxies.parse(List.of("fd00::/8", "2001:db8:1::/48", "2001:db8:2::/65"));
        assertTrue(trusted.contains(address("fd12:3456::1")));
        assertFalse(trusted.contains(address("fe80::1")));
        assertTrue(trusted.contains(address("2001:db8:1:ffff::1")));
        assertFalse(trusted.contains(address("2001:db8:2:1::")));
        assertTrue(trusted.contains(address("2001:db8:2:0:7fff:ffff:ffff:ffff")));
        assertFalse(trusted.contains(address("2001:db8:2:0:8000::")));
        assertFalse(trusted.contains(address("10.0.0.1")));
    }

    @Test
    void shouldTreatTheWholeSpaceAndHostBitsAsWritten() throws Exception
    {
        assertTrue(TrustedProxies.parse(List.of("::/0")).contains(address("203.0.113.9")));
        assertTrue(TrustedProxies.parse(List.of("0.0.0.0/0")).contains(address("203.0.113.9")));
        assertFalse(TrustedProxies.parse(List.of("0.0.0.0/0")).contains(address("2001:db8::1")));
        assertTrue(TrustedProxies.parse(List.of("10.1.2.3/8")).contains(address("10.9.9.9")));
        assertTrue(TrustedProxies.parse(List.of("::ffff:10.0.0.0/104")).contains(address("10.9.9.9")));
        assertFalse(TrustedProxies.NONE.contains(address("127.0.0.1")));
        assertFalse(TrustedProxies.parse(List.of()).contains(address("127.0.0.1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "10.1", "256.0.0.1", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "::1/129",
        "fe80::1%1", "", "1.2.3.4.5", "0x7f.0.0.1", "2001:db8:::1", "10.0.0.0/8/8", "10.0.0.0/-1"})
    void shouldRefuseWhatIsNotAnAddressOrBlockNamingTheOption(final String entry)
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> TrustedProxies.parse(List.of("127.0.0.1", entry)));
        assertEquals("--trusted-proxies: '" + entry + "' is not an address or CIDR block", refused.getMessage());
    }

    private static byte[] address(final String literal) throws Exception
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
