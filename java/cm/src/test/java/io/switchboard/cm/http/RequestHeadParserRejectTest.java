package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.switchboard.cm.http.HttpTestSupport.assertNoPeerBytes;
import static io.switchboard.cm.http.HttpTestSupport.buffer;
import static io.switchboard.cm.http.HttpTestSupport.bytes;
import static io.switchboard.cm.http.HttpTestSupport.parseByteByByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every malformed shape the parser must refuse, with the status it must answer. Each is parsed whole, byte by byte
 * and from a direct buffer: the verdict may not depend on how the bytes arrived.
 */
class RequestHeadParserRejectTest
{
    private static final HttpLimits LIMITS = HttpLimits.DEFAULT;
    private static final String CANARY = "zqx";
    private static final String START = "GET / HTTP/1.1\r\nHost: h\r\n";
    private static final String POST = "POST / HTTP/1.1\r\nHost: h\r\n";

    static List<Arguments> malformedRequests()
    {
        final List<Arguments> cases = new ArrayList<>();

        // Request smuggling shapes: the body's length in doubt.
        add(cases, 400, "CL and TE", POST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
        add(cases, 400, "TE and CL", POST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n");
        add(cases, 400, "CL 0 and TE", POST + "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n");
        add(cases, 400, "duplicate equal CL", POST + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n");
        add(cases, 400, "differing CL", POST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n");
        add(cases, 400, "CL list", POST + "Content-Length: 5, 5\r\n\r\n");
        add(cases, 400, "CL list differing", POST + "Content-Length: 5,6\r\n\r\n");
        add(cases, 400, "CL negative", POST + "Content-Length: -1\r\n\r\n");
        add(cases, 400, "CL plus", POST + "Content-Length: +5\r\n\r\n");
        add(cases, 400, "CL hex", POST + "Content-Length: 0x5\r\n\r\n");
        add(cases, 400, "CL two numbers", POST + "Content-Length: 5 5\r\n\r\n");
        add(cases, 400, "CL empty", POST + "Content-Length:\r\n\r\n");
        add(cases, 400, "CL blank", POST + "Content-Length:  \t \r\n\r\n");
        add(cases, 400, "CL trailing letter", POST + "Content-Length: 5" + CANARY + "\r\n\r\n");
        add(cases, 400, "CL decimal", POST + "Content-Length: 1.0\r\n\r\n");
        add(cases, 400, "CL quoted", POST + "Content-Length: \"5\"\r\n\r\n");
        add(cases, 400, "chunked twice in a line", POST + "Transfer-Encoding: chunked, chunked\r\n\r\n");
        add(cases, 400, "chunked twice in two lines",
            POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n");
        add(cases, 400, "TE without chunked", POST + "Transfer-Encoding: gzip\r\n\r\n");
        add(cases, 400, "chunked not last", POST + "Transfer-Encoding: chunked, gzip\r\n\r\n");
        add(cases, 400, "chunked not last over two lines",
            POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n");
        add(cases, 400, "TE empty", POST + "Transfer-Encoding:\r\n\r\n");
        add(cases, 400, "TE only commas", POST + "Transfer-Encoding: , ,\r\n\r\n");
        add(cases, 400, "TE lookalike", POST + "Transfer-Encoding: xchunked\r\n\r\n");
        add(cases, 400, "TE chunked with parameter", POST + "Transfer-Encoding: chunked;q=1\r\n\r\n");
        add(cases, 400, "TE quoted", POST + "Transfer-Encoding: \"chunked\"\r\n\r\n");
        add(cases, 400, "TE junk after token", POST + "Transfer-Encoding: chunked " + CANARY + "\r\n\r\n");
        add(cases, 400, "TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n");
        add(cases, 400, "TE with vertical tab", POST + "Transfer-Encoding: \u000bchunked\r\n\r\n");

        // Line structure.
        add(cases, 400, "obs-fold", START + "X-A: a\r\n b\r\n\r\n");
        add(cases, 400, "obs-fold with tab", START + "X-A: a\r\n\tb\r\n\r\n");
        add(cases, 400, "whitespace before first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n");
        add(cases, 400, "whitespace before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n");
        add(cases, 400, "tab before colon", START + "X-A\t: a\r\n\r\n");
        add(cases, 400, "bare CR in value", START + "X-A: a\r" + CANARY + "\r\n\r\n");
        add(cases, 400, "bare CR ending a field", START + "X-A: a\r\r\n\r\n");
        add(cases, 400, "bare CR in request line", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "bare CR ending request line", "GET / HTTP/1.1\rHost: h\r\n\r\n");
        add(cases, 400, "bare CR ending the head", START + "\r\r\n");
        add(cases, 400, "bare CR after empty value", START + "X-A:\r\r\n\r\n");
        add(cases, 400, "bare LF ending request line", "GET / HTTP/1.1\nHost: h\r\n\r\n");
        add(cases, 400, "bare LF ending a field", START + "X-A: a\n\r\n");
        add(cases, 400, "bare LF ending the head", START + "\n");
        add(cases, 400, "bare LF in value", START + "X-A: a\nb\r\n\r\n");
        add(cases, 400, "bare LF after empty value", START + "X-A:\n\r\n");
        add(cases, 400, "bare LF in name", START + "X-A\n: a\r\n\r\n");
        add(cases, 400, "bare LF in target", "GET /\n HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "lone LF leading", "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "CR CR leading", "\r\rGET / HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "too many empty lines",
            "\r\n".repeat(LIMITS.maxLeadingEmptyLines() + 1) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n");

        // Bytes outside the field grammar.
        add(cases, 400, "NUL in value", START + "X-A: a\u0000b\r\n\r\n");
        add(cases, 400, "DEL in value", START + "X-A: a\u007fb\r\n\r\n");
        add(cases, 400, "control byte in value", START + "X-A: \u0001\r\n\r\n");
        add(cases, 400, "escape in value", START + "X-A: a\u001b[0m\r\n\r\n");
        add(cases, 400, "NUL in name", START + "X\u0000A: a\r\n\r\n");
        add(cases, 400, "obs-text in name", START + "X\u00e9: a\r\n\r\n");
        add(cases, 400, "separator in name", START + "X(A): a\r\n\r\n");
        add(cases, 400, "slash in name", START + "X/A: a\r\n\r\n");
        add(cases, 400, "empty name", START + ": " + CANARY + "\r\n\r\n");
        add(cases, 400, "field without colon", START + "X-A\r\n\r\n");
        add(cases, 400, "colon first then space", START + " : a\r\n\r\n");

        // Request line.
        add(cases, 400, "double space after method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "double space after target", "GET /  HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "trailing space", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n");
        add(cases, 400, "tab separator", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "leading space", " GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "separator in method", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "obs-text in method", "G\u00c9T / HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "lower-case protocol", "GET / http/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "minor not a digit", "GET / HTTP/1.x\r\nHost: h\r\n\r\n");
        add(cases, 400, "version without dot", "GET / HTTP/11\r\nHost: h\r\n\r\n");
        add(cases, 400, "version too long", "GET / HTTP/1.1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "version two-digit minor", "GET / HTTP/1.10\r\nHost: h\r\n\r\n");
        add(cases, 400, "version without minor", "GET / HTTP/1\r\nHost: h\r\n\r\n");
        add(cases, 400, "version without major", "GET / HTTP/.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "HTTP/0.9 style line", "GET /\r\n\r\n");
        add(cases, 400, "method only", "GET\r\n\r\n");
        add(cases, 400, "extra word", "GET / HTTP/1.1 " + CANARY + "\r\nHost: h\r\n\r\n");
        add(cases, 400, "space in target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "empty target", "GET  HTTP/1.1\r\nHost: h\r\n\r\n");
        for (final char c : "#\"<>{}|\\^`".toCharArray())
        {
            add(cases, 400, "target with " + c, "GET /" + CANARY + c + " HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        add(cases, 400, "raw obs-text in target", "GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "NUL in target", "GET /\u0000 HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "DEL in target", "GET /\u007f HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "bad percent-encoding", "GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "short percent-encoding", "GET /%4 HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "percent at the end", "GET /% HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "asterisk without OPTIONS", "GET * HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "asterisk with more", "OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "relative target", "GET " + CANARY + " HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "other scheme", "GET ftp://h/x HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "scheme without slashes", "GET http:h/x HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "empty authority", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "authority with only a port", "GET http://:80/x HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "userinfo", "GET http://user@h/x HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "bad port in authority", "GET http://h:8x/ HTTP/1.1\r\nHost: h\r\n\r\n");

        // Host.
        add(cases, 400, "missing Host", "GET / HTTP/1.1\r\nX-A: a\r\n\r\n");
        add(cases, 400, "missing Host, absolute-form", "GET http://h/ HTTP/1.1\r\n\r\n");
        add(cases, 400, "duplicate Host", START + "Host: h\r\n\r\n");
        add(cases, 400, "duplicate Host, differing case", START + "HOST: " + CANARY + "\r\n\r\n");
        add(cases, 400, "duplicate Host in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n");
        add(cases, 400, "Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n");
        add(cases, 400, "Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n");
        add(cases, 400, "Host with userinfo", "GET / HTTP/1.1\r\nHost: u@" + CANARY + "\r\n\r\n");
        add(cases, 400, "Host unclosed literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n");
        add(cases, 400, "Host empty literal", "GET / HTTP/1.1\r\nHost: []\r\n\r\n");
        add(cases, 400, "Host junk after literal", "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n");
        add(cases, 400, "Host port not a number", "GET / HTTP/1.1\r\nHost: a:x\r\n\r\n");
        add(cases, 400, "Host port too long", "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n");
        add(cases, 400, "Host two ports", "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n");
        // what Jetty's HostPort refuses (the worker's servlet container), the CM refuses first
        add(cases, 400, "Host empty port", "GET / HTTP/1.1\r\nHost: a:\r\n\r\n");
        add(cases, 400, "Host port 0", "GET / HTTP/1.1\r\nHost: a:0\r\n\r\n");
        add(cases, 400, "Host port above 65535", "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n");
        add(cases, 400, "Host five-digit port above 65535", "GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n");
        add(cases, 400, "Host literal not hex", "GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n");
        add(cases, 400, "Host literal without colon", "GET / HTTP/1.1\r\nHost: [1.2.3.4]\r\n\r\n");
        add(cases, 400, "Host IPvFuture literal", "GET / HTTP/1.1\r\nHost: [v1.x]\r\n\r\n");
        add(cases, 400, "port 0 in authority", "GET http://h:0/ HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 400, "Host bad percent", "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n");
        add(cases, 400, "Host obs-text", "GET / HTTP/1.1\r\nHost: caf\u00e9\r\n\r\n");

        // Limits.
        add(cases, 413, "CL above the limit", POST + "Content-Length: " + (LIMITS.maxBodyLength() + 1) + "\r\n\r\n");
        add(cases, 413, "CL beyond a long", POST + "Content-Length: 99999999999999999999999999\r\n\r\n");
        add(cases, 414, "request line too long",
            "GET /" + "a".repeat(LIMITS.maxRequestLineLength() - 13) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        add(cases, 414, "request line without end", "GET /" + "a".repeat(LIMITS.maxRequestLineLength()));
        add(cases, 414, "method too long", "G".repeat(LIMITS.maxRequestLineLength() + 1));
        add(cases, 431, "head too large",
            START + "X: " + "v".repeat(LIMITS.maxHeadLength() - START.length() - 4) + "\r\n\r\n");
        add(cases, 431, "field without end", START + "X: " + "v".repeat(LIMITS.maxHeadLength()));
        add(cases, 431, "too many fields", START + "X: 1\r\n".repeat(LIMITS.maxHeaderCount()) + "\r\n");

        // Unsupported.
        add(cases, 501, "gzip then chunked", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n");
        add(cases, 501, "gzip line then chunked line", POST + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
        add(cases, 501, "coding with parameters then chunked", POST + "Transfer-Encoding: x;a=b, chunked\r\n\r\n");
        add(cases, 501, "CONNECT", "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n");
        add(cases, 505, "HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n");
        add(cases, 505, "HTTP/0.9", "GET / HTTP/0.9\r\nHost: h\r\n\r\n");
        add(cases, 505, "HTTP/3.1", "GET / HTTP/3.1\r\n");

        return cases;
    }

    private static void add(final List<Arguments> cases, final int status, final String name, final String request)
    {
        cases.add(Arguments.argumentSet(status + " " + name, status, request));
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void shouldRefuseWithTheRightStatus(final int status, final String request)
    {
        final RequestHeadParser parser = new RequestHeadParser(LIMITS);
        final ByteBuffer buffer = buffer(bytes(request), false);

        final HttpException ex = assertThrows(HttpException.class, () -> parser.parse(buffer));

        assertEquals(status, ex.status(), ex.reason());
        assertNoPeerBytes(ex, CANARY);
        assertTrue(buffer.position() <= buffer.limit());
        assertThrows(IllegalStateException.class, () -> parser.parse(buffer));
    }

    @ParameterizedTest
    @MethodSource("malformedRequests")
    void shouldRefuseTheSameWayWhateverTheSplit(final int status, final String request)
    {
        assertEquals("status=" + status, parseByteByByte(LIMITS, bytes(request), true));
    }

    @Test
    void shouldRefuseAnInvalidByteOnlyOnceItArrives()
    {
        final RequestHeadParser parser = new RequestHeadParser(LIMITS);
        final ByteBuffer buffer = buffer(bytes("GET / HTTP/1.1\r\nHost: h\r\nX: a\u0000"), false);

        buffer.limit(buffer.capacity() - 1);
        assertEquals(false, parser.parse(buffer));

        buffer.limit(buffer.capacity());
        final HttpException ex = assertThrows(HttpException.class, () -> parser.parse(buffer));
        assertEquals(400, ex.status());
        assertEquals("invalid character in field value", ex.reason());
    }

    @Test
    void shouldNameTheProblemTersely()
    {
        final RequestHeadParser parser = new RequestHeadParser(LIMITS);

        final HttpException ex = assertThrows(HttpException.class,
            () -> parser.parse(buffer(bytes(POST + "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), false)));

        assertEquals("both Content-Length and Transfer-Encoding", ex.reason());
        assertEquals("400 both Content-Length and Transfer-Encoding", ex.getMessage());
        assertEquals(0, ex.getStackTrace().length);
    }
}
