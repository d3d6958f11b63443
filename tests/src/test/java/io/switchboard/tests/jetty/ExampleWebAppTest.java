package io.switchboard.tests.jetty;

import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example web application, as Maven built it (examples/webapp/target/shop.war), deployed with
 * {@code --webapp /shop=WAR} beside the demo as {@code ./switchboard run} does, driven over HTTP.
 */
@Timeout(120)
class ExampleWebAppTest
{
    static final Path SHOP_WAR = Path.of("..", "examples", "webapp", "target", "shop.war");

    private static Instance instance;

    @BeforeAll
    static void start()
    {
        assertTrue(Files.isRegularFile(SHOP_WAR), "build the example first: " + SHOP_WAR.toAbsolutePath());
        instance = new Instance("--workers", "1", "--webapp", "/shop=" + SHOP_WAR);
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
    void shouldCountASessionsVisitsWithItsCookie() throws Exception
    {
        final Http browser = new Http(instance.port(), HttpClient.newBuilder().cookieHandler(new CookieManager()));

        final HttpResponse<String> first = browser.get("/shop/counter");
        final String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.matches("JSESSIONID=w0[^;]+\\.w0;.*Path=/shop.*"), cookie);
        assertTrue(first.body().startsWith("count=1 "), first.body());
        assertTrue(browser.get("/shop/counter").body().startsWith("count=2 "));
        assertTrue(browser.get("/shop/counter").body().startsWith("count=3 "));
    }

    @Test
    void shouldTakeAFormPost() throws Exception
    {
        final Http http = new Http(instance.port());

        final HttpResponse<String> order = http.send(http.request("/shop/order")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("item=tea+pot&quantity=3")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, order.statusCode());
        assertEquals("ordered 3 x tea pot\n", order.body());

        final HttpResponse<String> refused = http.send(http.request("/shop/order")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("item=teapot")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode());
    }

    @Test
    void shouldAnswerFromTheAsyncServlet() throws Exception
    {
        final HttpResponse<String> quote = new Http(instance.port()).get("/shop/quote");

        assertEquals(200, quote.statusCode());
        assertEquals("quote=42.00 async=true\n", quote.body());
    }

    @Test
    void shouldTakeAMultipartUpload() throws Exception
    {
        final byte[] file = new byte[300_000];
        for (int i = 0; i < file.length; i++)
        {
            file[i] = (byte)(i % 251);
        }
        final String boundary = "----switchboard-test-boundary";
        final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n" +
            "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n" +
            "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        final Http http = new Http(instance.port());

        final HttpResponse<String> response = http.send(http.request("/shop/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
            HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        final String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        assertTrue(response.body().contains("file data.bin 300000 " + sha + "\n"), response.body());
        assertTrue(response.body().contains("note - 5 "), response.body());
    }

    @Test
    void shouldServeTheWelcomeFileAndTheDemoBesideIt() throws Exception
    {
        final Http http = new Http(instance.port());

        final HttpResponse<String> index = http.get("/shop/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("A Servlet web application on Switchboard"), index.body());
        assertEquals("Hello, world!", http.get("/hello").body().strip());
    }
}
