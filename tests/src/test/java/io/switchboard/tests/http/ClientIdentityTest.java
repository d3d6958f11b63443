package io.switchboard.tests.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Who a request came from and which request it is, as the application sees them (the demo's {@code /client}):
 * the remote address and port, the forwarding fields the CM rewrote by {@code --trusted-proxies}, and the
 * {@code X-Request-Id}. The CM trusts 127.0.0.2 here; 127.0.0.1 is an untrusted client. Both are loopback.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientIdentityTest
{
    private static final String SPOOFED = "X-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.6;proto=https\r\n" +
        "X-Real-IP: 6.6.6.6\r\n";

    private static Instance instance;

    @BeforeAll
    static void start()
    {
        instance = new Instance("--workers", "1", "--trusted-proxies", "127.0.0.2,fd00::/8");
    }

    @AfterAll
    static void stop()
    {
        if (instance != null)
        {
            instance.close();
        }
    }

    @Test
    void shouldTellTheApplicationTheClientsAddressAndPort() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            final List<String> lines = client(client, "");
            assertEquals("remote: 127.0.0.1 " + client.socket().getLocalPort(), lines.get(0));
            assertEquals("client: 127.0.0.1", lines.get(1));
            assertEquals(List.of("X-Forwarded-For: 127.0.0.1", "Forwarded: for=127.0.0.1"), lines.subList(3, lines.size()));
        }
    }

    @Test
    void shouldReplaceWhatAnUntrustedClientSaysAboutItself() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            final List<String> lines = client(client, SPOOFED);
            assertEquals("client: 127.0.0.1", lines.get(1));
            assertEquals(List.of("X-Forwarded-For: 127.0.0.1", "Forwarded: for=127.0.0.1"), lines.subList(3, lines.size()));
        }
    }

    @Test
    void shouldAppendToWhatATrustedProxySays() throws Exception
    {
        try (RawHttp proxy = new RawHttp(
            new InetSocketAddress("127.0.0.1", instance.port()), InetAddress.ofLiteral("127.0.0.2")))
        {
            final List<String> lines = client(proxy, SPOOFED);
            assertEquals("remote: 127.0.0.2 " + proxy.socket().getLocalPort(), lines.get(0));
            assertEquals("client: 6.6.6.6", lines.get(1));
            assertEquals(List.of("X-Forwarded-For: 6.6.6.6, 127.0.0.2", "Forwarded: for=6.6.6.6;proto=https, for=127.0.0.2",
                "X-Real-IP: 6.6.6.6"), lines.subList(3, lines.size()));

            // the client is the first address from the right that is not a trusted proxy (fd00::/8 is one)
            assertEquals("client: 5.5.5.5",
                client(proxy, "X-Forwarded-For: 1.1.1.1, 5.5.5.5\r\nX-Forwarded-For: fd00::7\r\n").get(1));
            // ... and no further left than an element that is not an address
            assertEquals("client: fd00:0:0:0:0:0:0:7", client(proxy, "X-Forwarded-For: 5.5.5.5, _hidden, fd00::7\r\n").get(1));

            // a trusted proxy that says nothing is named as the client, like anyone else
            final List<String> silent = client(proxy, "");
            assertEquals("client: 127.0.0.2", silent.get(1));
            assertEquals(List.of("X-Forwarded-For: 127.0.0.2", "Forwarded: for=127.0.0.2"), silent.subList(3, silent.size()));
        }
    }

    @Test
    void shouldGiveEveryRequestItsOwnIdAndNotEchoIt() throws Exception
    {
        final Set<String> ids = new HashSet<>();
        try (RawHttp client = new RawHttp(instance.port()))
        {
            for (int i = 0; i < 1_000; i++)
            {
                client.send(RawHttp.get("/client"));
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status());
                // the CM does not add it to the response: as nginx, it leaves that to the application
                assertNull(response.header("x-request-id"));
                final String id = response.text().lines().toList().get(2).substring("request-id: ".length());
                assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
                assertTrue(ids.add(id), "repeated: " + id);
            }
        }
        assertEquals(1_000, ids.size());
    }

    @Test
    void shouldKeepAValidRequestIdAndReplaceAnInvalidOne() throws Exception
    {
        try (RawHttp client = new RawHttp(instance.port()))
        {
            final String valid = "req-" + "x".repeat(124);
            assertEquals("request-id: " + valid, client(client, "X-Request-Id: " + valid + "\r\n").get(2));
            for (final String invalid : new String[] {valid + "y", "two words", "caf\u00e9"})
            {
                final String id = client(client, "X-Request-Id: " + invalid + "\r\n").get(2);
                assertTrue(id.matches("request-id: [A-Za-z0-9_-]{22}"), invalid + " -> " + id);
            }
        }
    }

    @Test
    void shouldAnswer431WhenWhatTheCmAddsMakesTheHeadTooLargeForAFrame() throws Exception
    {
        // a 128 KiB ring takes heads of 32,760 encoded bytes; --max-head lets 32,768 bytes of head through. This
        // head encodes to 32,744 bytes as sent, and the CM adds 92 (X-Forwarded-For, Forwarded, X-Request-Id)
        final String pad = "p".repeat(32_650);
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("GET /client HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + pad + "\r\n\r\n");
            final RawHttp.Response response = client.read();
            assertEquals(431, response.status());
            assertTrue(response.closes());
        }
        // 92 bytes shorter, it fits
        try (RawHttp client = new RawHttp(instance.port()))
        {
            client.send("GET /client HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + pad.substring(92) + "\r\n\r\n");
            assertEquals(200, client.read().status());
        }
    }

    @Test
    void shouldTellTheApplicationAnIpv6ClientsAddress() throws Exception
    {
        assumeTrue(loopbackIpv6(), "::1 is not available on this machine");
        try (Instance v6 = new Instance("--workers", "1", "--bind", "::1");
            RawHttp client = new RawHttp(new InetSocketAddress("::1", v6.port()), InetAddress.ofLiteral("::1")))
        {
            final List<String> lines = client(client, SPOOFED);
            assertEquals("remote: 0:0:0:0:0:0:0:1 " + client.socket().getLocalPort(), lines.get(0));
            assertEquals("client: 0:0:0:0:0:0:0:1", lines.get(1));
            assertEquals(List.of("X-Forwarded-For: ::1", "Forwarded: for=\"[::1]\""), lines.subList(3, lines.size()));
        }
    }

    /**
     * @return the lines of the demo's /client, asked with {@code fields} on the connection.
     */
    private static List<String> client(final RawHttp connection, final String fields) throws IOException
    {
        connection.send("GET /client HTTP/1.1\r\nHost: localhost\r\n" + fields + "\r\n");
        final RawHttp.Response response = connection.read();
        assertEquals(200, response.status(), response.text());
        return new ArrayList<>(response.text().lines().toList());
    }

    private static boolean loopbackIpv6()
    {
        try (ServerSocket probe = new ServerSocket())
        {
            probe.bind(new InetSocketAddress(InetAddress.ofLiteral("::1"), 0));
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
