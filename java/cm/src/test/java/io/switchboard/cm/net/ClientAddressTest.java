package io.switchboard.cm.net;

import io.switchboard.protocol.http.HttpHeadDescriptor;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientAddressTest
{
    @Test
    void shouldHoldAnIpv4PeerMapped() throws Exception
    {
        final ClientAddress client = ClientAddress.of(
            new InetSocketAddress(InetAddress.ofLiteral("192.0.2.10"), 50123), TrustedProxies.parse(List.of("192.0.2.0/24")));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xFF, (byte)0xFF, (byte)192, 0, 2, 10},
            client.address());
        assertEquals(50123, client.port());
        assertTrue(client.ipv4());
        assertTrue(client.known());
        assertTrue(client.trustedProxy());
        assertEquals(HttpHeadDescriptor.ADDRESS_FAMILY_IPV4, client.family());
        assertEquals("192.0.2.10", ascii(client.forwardedFor()));
        assertEquals("for=192.0.2.10", ascii(client.forwardedElement()));
        assertEquals("192.0.2.10:50123", client.toString());
    }

    @Test
    void shouldQuoteAndBracketAnIpv6PeerInForwarded() throws Exception
    {
        final ClientAddress client = ClientAddress.of(
            new InetSocketAddress(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1"), 443), TrustedProxies.NONE);
        assertFalse(client.ipv4());
        assertFalse(client.trustedProxy());
        assertEquals("2001:db8::1:0:0:1", client.text());
        assertEquals("2001:db8::1:0:0:1", ascii(client.forwardedFor()));
        assertEquals("for=\"[2001:db8::1:0:0:1]\"", ascii(client.forwardedElement()));
        assertEquals("[2001:db8::1:0:0:1]:443", client.toString());
    }

    @Test
    void shouldWriteIpv6AsRfc5952Says() throws Exception
    {
        for (final String[] pair : new String[][] {
            {"0:0:0:0:0:0:0:1", "::1"}, {"0:0:0:0:0:0:0:0", "::"}, {"1:0:0:0:0:0:0:0", "1::"},
            {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
            {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"}, {"FE80:0:0:0:ABCD:0:0:12", "fe80::abcd:0:0:12"}})
        {
            assertEquals(pair[1], ClientAddress.ipv6Text(InetAddress.ofLiteral(pair[0]).getAddress()), pair[0]);
        }
    }

    @Test
    void shouldSayUnknownWithoutAnAddress()
    {
        assertSame(ClientAddress.UNKNOWN, ClientAddress.of(null, TrustedProxies.NONE));
        assertFalse(ClientAddress.UNKNOWN.known());
        assertEquals("unknown", ascii(ClientAddress.UNKNOWN.forwardedFor()));
        assertEquals("for=unknown", ascii(ClientAddress.UNKNOWN.forwardedElement()));
    }

    private static String ascii(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
