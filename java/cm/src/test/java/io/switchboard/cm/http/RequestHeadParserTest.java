package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import static io.switchboard.cm.http.HttpTestSupport.buffer;
import static io.switchboard.cm.http.HttpTestSupport.bytes;
import static io.switchboard.cm.http.HttpTestSupport.describe;
import static io.switchboard.cm.http.HttpTestSupport.parseByteByByte;
import static io.switchboard.cm.http.HttpTestSupport.parseInPieces;
import static io.switchboard.cm.http.HttpTestSupport.parseWhole;
import static io.switchboard.cm.http.HttpTestSupport.randomCuts;
import static io.switchboard.cm.http.HttpTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RequestHeadParserTest
{
    private static final HttpLimits LIMITS = HttpLimits.DEFAULT;

    private final RequestHeadParser parser = new RequestHeadParser(LIMITS);

    /**
     * Valid requests, with what follows their heads; the split tests cut each of them at every byte.
     */
    static List<String> validRequests()
    {
        return List.of(
            "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
            "GET /a/b?x=1&y=%20z HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\n" +
                "User-Agent: test/1.0 (x; y)\r\nX-Empty:\r\nX-Spaces: \t a  b \t\r\n\r\n",
            "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
            "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "\r\n\r\nGET http://example.com/p?q HTTP/1.1\r\nHost: other\r\n\r\nGET / HTTP/1.1\r\n",
            "OPTIONS * HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: [::1]:80\r\nX-Obs: caf\u00e9\r\nConnection: foo, close\r\n\r\n");
    }

    @Test
    void shouldParseASimpleGet()
    {
        final ByteBuffer buffer = buffer(bytes("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"), false);

        assertTrue(parser.parse(buffer));

        final RequestHead head = parser.head();
        assertEquals(HttpMethod.GET, head.method());
        assertEquals("GET", head.methodName());
        assertEquals("/index.html", head.target());
        assertEquals(TargetForm.ORIGIN, head.targetForm());
        assertEquals("/index.html", head.path());
        assertEquals(-1, head.queryOffset());
        assertEquals(HttpVersion.HTTP_1_1, head.version());
        assertEquals(1, head.headerCount());
        assertEquals("Host", head.headerName(0));
        assertEquals("example.com", head.headerValue(0));
        assertEquals("example.com", head.host());
        assertEquals(BodyFraming.NONE, head.bodyFraming());
        assertEquals(0, head.contentLength());
        assertTrue(head.keepAlive());
        assertFalse(head.expectContinue());
        assertEquals(buffer.limit(), head.length());
        assertEquals(buffer.limit(), buffer.position());
        assertTrue(parser.isDone());
    }

    @Test
    void shouldGiveFieldsAsOffsetsIntoTheHeadBuffer()
    {
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.1\r\nHost: h\r\nX-Name:  v a l  \r\n\r\n"), false)));

        final RequestHead head = parser.head();
        final String whole = new String(head.buffer(), 0, head.length(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("X-Name", whole.substring(head.headerNameOffset(1), head.headerNameOffset(1) + head.headerNameLength(1)));
        assertEquals("v a l", whole.substring(head.headerValueOffset(1), head.headerValueOffset(1) + head.headerValueLength(1)));
        assertEquals(3, head.methodLength());
        assertThrows(IndexOutOfBoundsException.class, () -> head.headerNameOffset(2));
    }

    @Test
    void shouldTrimOwsAndKeepEmptyValues()
    {
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.1\r\nHost: h\r\nA: \t x  y \t\r\nB:\r\nC: \t \r\n\r\n"), false)));

        final RequestHead head = parser.head();
        assertEquals("x  y", head.headerValue(1));
        assertEquals("", head.headerValue(2));
        assertEquals("", head.headerValue(3));
    }

    @Test
    void shouldAcceptObsTextInFieldValues()
    {
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.1\r\nHost: h\r\nX: caf\u00e9 \u00ff\r\n\r\n"), false)));

        assertEquals("caf\u00e9 \u00ff", parser.head().headerValue(1));
    }

    @Test
    void shouldSplitPathAndQuery()
    {
        assertTrue(parser.parse(buffer(bytes("GET /a/b?x=1&y=?z HTTP/1.1\r\nHost: h\r\n\r\n"), false)));

        final RequestHead head = parser.head();
        assertEquals("/a/b", head.path());
        assertEquals("x=1&y=?z", new String(head.buffer(), head.queryOffset(), head.queryLength(),
            java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldTakeTheHostOfAnAbsoluteFormTarget()
    {
        assertTrue(parser.parse(buffer(bytes("GET HTTP://Example.com:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n"), false)));

        final RequestHead head = parser.head();
        assertEquals(TargetForm.ABSOLUTE, head.targetForm());
        assertEquals("Example.com:8080", head.host());
        assertEquals("/p", head.path());
        assertEquals(1, head.queryLength());
    }

    @ParameterizedTest
    @CsvSource({
        "http://h,          h,     ''",
        "https://h?x,       h,     ''",
        "http://h:1/,       h:1,   /",
        "http://[::1]/a/b,  [::1], /a/b" })
    void shouldSplitAbsoluteFormTargets(final String target, final String host, final String path)
    {
        assertTrue(parser.parse(buffer(bytes("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"), false)));

        assertEquals(host, parser.head().host());
        assertEquals(path, parser.head().path());
    }

    @Test
    void shouldAcceptTheAsteriskFormForOptions()
    {
        assertTrue(parser.parse(buffer(bytes("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), false)));

        assertEquals(TargetForm.ASTERISK, parser.head().targetForm());
        assertEquals(HttpMethod.OPTIONS, parser.head().method());
        assertEquals(0, parser.head().pathLength());
    }

    @ParameterizedTest
    @CsvSource({
        "GET, GET", "HEAD, HEAD", "POST, POST", "PUT, PUT", "DELETE, DELETE", "OPTIONS, OPTIONS", "TRACE, TRACE",
        "PATCH, PATCH", "PROPFIND, OTHER", "get, OTHER", "GETS, OTHER", "G, OTHER", "M-SEARCH, OTHER" })
    void shouldRecogniseMethodsCaseSensitively(final String method, final HttpMethod expected)
    {
        assertTrue(parser.parse(buffer(bytes(method + " / HTTP/1.1\r\nHost: h\r\n\r\n"), false)));

        assertEquals(expected, parser.head().method());
        assertEquals(method, parser.head().methodName());
    }

    @ParameterizedTest
    @CsvSource({ "HTTP/1.0, HTTP_1_0", "HTTP/1.1, HTTP_1_1", "HTTP/1.2, HTTP_1_1", "HTTP/1.9, HTTP_1_1" })
    void shouldTreatHigherMinorVersionsAsHttp11(final String version, final HttpVersion expected)
    {
        assertTrue(parser.parse(buffer(bytes("GET / " + version + "\r\nHost: h\r\n\r\n"), false)));

        assertEquals(expected, parser.head().version());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 | ''                                  | true",
        "HTTP/1.1 | Connection: close\\r\\n                | false",
        "HTTP/1.1 | Connection: CLOSE\\r\\n                | false",
        "HTTP/1.1 | Connection: keep-alive\\r\\n           | true",
        "HTTP/1.1 | Connection: foo, close , bar\\r\\n     | false",
        "HTTP/1.1 | Connection: foo\\r\\nConnection: close\\r\\n | false",
        "HTTP/1.1 | Connection: closed\\r\\n               | true",
        "HTTP/1.0 | ''                                  | false",
        "HTTP/1.0 | Connection: keep-alive\\r\\n           | true",
        "HTTP/1.0 | Connection: Keep-Alive\\r\\n           | true",
        "HTTP/1.0 | Connection: keep-alive, close\\r\\n    | false",
        "HTTP/1.0 | Connection: close\\r\\n                | false" })
    void shouldDecideKeepAlive(final String version, final String connection, final boolean keepAlive)
    {
        final String request = "GET / " + version + "\r\nHost: h\r\n" + connection.replace("\\r\\n", "\r\n") + "\r\n";

        assertTrue(parser.parse(buffer(bytes(request), false)));

        assertEquals(keepAlive, parser.head().keepAlive());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 | Content-Length: 10    | 100-continue    | true",
        "HTTP/1.1 | Content-Length: 10    | 100-Continue    | true",
        "HTTP/1.1 | Content-Length: 10    | foo, 100-continue | true",
        "HTTP/1.1 | Transfer-Encoding: chunked | 100-continue | true",
        "HTTP/1.1 | Content-Length: 0     | 100-continue    | false",
        "HTTP/1.1 | X-None: 1             | 100-continue    | false",
        "HTTP/1.1 | Content-Length: 10    | something-else  | false",
        "HTTP/1.0 | Content-Length: 10    | 100-continue    | false" })
    void shouldDecideExpectContinue(
        final String version, final String framing, final String expect, final boolean expectContinue)
    {
        final String request = "POST / " + version + "\r\nHost: h\r\n" + framing + "\r\nExpect: " + expect + "\r\n\r\n";

        assertTrue(parser.parse(buffer(bytes(request), false)));

        assertEquals(expectContinue, parser.head().expectContinue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Content-Length: 0                      | CONTENT_LENGTH | 0",
        "Content-Length: 0005                   | CONTENT_LENGTH | 5",
        "Content-Length:   42  \t                | CONTENT_LENGTH | 42",
        "Content-Length: 16777216               | CONTENT_LENGTH | 16777216",
        "Transfer-Encoding: chunked             | CHUNKED        | 0",
        "Transfer-Encoding: Chunked             | CHUNKED        | 0",
        "Transfer-Encoding: , chunked ,         | CHUNKED        | 0",
        "Transfer-Encoding:\\r\\nTransfer-Encoding: chunked | CHUNKED | 0",
        "X-Other: 1                             | NONE           | 0" })
    void shouldDeriveTheBodyFraming(final String field, final BodyFraming framing, final long contentLength)
    {
        final String request = "POST / HTTP/1.1\r\nHost: h\r\n" + field.replace("\\r\\n", "\r\n") + "\r\n\r\n";

        assertTrue(parser.parse(buffer(bytes(request), false)));

        assertEquals(framing, parser.head().bodyFraming());
        assertEquals(contentLength, parser.head().contentLength());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "example.com", "example.com:8080", "example.com:1", "example.com:65535", "[::1]",
        "[::1]:443", "[::ffff:127.0.0.1]", "127.0.0.1:80", "xn--bcher-kva.example", "a%20b", "sub_delims!$&'()*+,;=" })
    void shouldAcceptValidHosts(final String host)
    {
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"), false)));

        assertTrue(parser.head().hasHost());
        assertEquals(host, parser.head().host());
    }

    @Test
    void shouldAcceptHttp10WithoutHost()
    {
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.0\r\n\r\n"), false)));

        assertFalse(parser.head().hasHost());
        assertEquals(-1, parser.head().hostOffset());
        assertEquals(0, parser.head().headerCount());
    }

    @Test
    void shouldSkipLeadingEmptyLinesUpToTheLimit()
    {
        final String request = "\r\n".repeat(LIMITS.maxLeadingEmptyLines()) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
        final ByteBuffer buffer = buffer(bytes(request), false);

        assertTrue(parser.parse(buffer));

        assertEquals("GET", parser.head().methodName());
        assertEquals(request.length() - 2 * LIMITS.maxLeadingEmptyLines(), parser.head().length());
        assertEquals(request.length(), buffer.position());
    }

    @Test
    void shouldFindRepeatedFieldsCaseInsensitively()
    {
        assertTrue(parser.parse(buffer(bytes(
            "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nX: 1\r\nACCEPT: b\r\n\r\n"), false)));

        final RequestHead head = parser.head();
        final int first = head.findHeader("accept", 0);
        final int second = head.findHeader("accept", first + 1);
        assertEquals(1, first);
        assertEquals(3, second);
        assertEquals(-1, head.findHeader("accept", second + 1));
        assertEquals(-1, head.findHeader("acceptx", 0));
        assertEquals("b", head.headerValue(second));
    }

    @Test
    void shouldStopAtTheEndOfTheHeadAndLeaveTheBody()
    {
        final ByteBuffer buffer = buffer(bytes(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n"), false);

        assertTrue(parser.parse(buffer));

        assertEquals("hello", text(buffer, buffer.position(), buffer.position() + 5));
        assertEquals(parser.head().length(), buffer.position());
    }

    @Test
    void shouldParsePipelinedRequestsFromOneBuffer()
    {
        final String first = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n";
        final String second = "\r\nHEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n";
        final String third = "GET /3 HTTP/1.0\r\n\r\n";
        final ByteBuffer buffer = buffer(bytes(first + second + third + "GET /4"), true);

        assertTrue(parser.parse(buffer));
        assertEquals("/1", parser.head().target());
        assertEquals(first.length(), buffer.position());
        parser.reset();

        assertTrue(parser.parse(buffer));
        assertEquals("/2", parser.head().target());
        assertEquals(HttpMethod.HEAD, parser.head().method());
        assertEquals(first.length() + second.length(), buffer.position());
        parser.reset();

        assertTrue(parser.parse(buffer));
        assertEquals("/3", parser.head().target());
        assertEquals(first.length() + second.length() + third.length(), buffer.position());
        parser.reset();

        assertFalse(parser.parse(buffer));
        assertEquals(buffer.limit(), buffer.position());
        assertFalse(parser.isIdle());
    }

    @Test
    void shouldReadOnlyBetweenPositionAndLimit()
    {
        final byte[] bytes = bytes("XXXXGET / HTTP/1.1\r\nHost: h\r\n\r\nYYYY");
        final ByteBuffer buffer = ByteBuffer.wrap(bytes, 4, bytes.length - 8).slice();

        assertTrue(parser.parse(buffer));

        assertEquals(bytes.length - 8, buffer.position());
        assertEquals("GET", parser.head().methodName());
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void shouldParseTheSameWhateverTheSplit(final String request)
    {
        final byte[] bytes = bytes(request);
        final String whole = parseWhole(LIMITS, bytes);
        assertTrue(whole.contains(" @"), whole);

        for (int cut = 0; cut <= bytes.length; cut++)
        {
            assertEquals(whole, parseInPieces(LIMITS, bytes, new int[]{ cut }, false), "cut at " + cut);
            assertEquals(whole, parseInPieces(LIMITS, bytes, new int[]{ cut }, true), "cut at " + cut + ", direct");
        }
        assertEquals(whole, parseByteByByte(LIMITS, bytes, false));
        assertEquals(whole, parseByteByByte(LIMITS, bytes, true));

        final Random random = new Random(request.hashCode());
        for (int i = 0; i < 200; i++)
        {
            final int[] cuts = randomCuts(random, bytes.length);
            assertEquals(whole, parseInPieces(LIMITS, bytes, cuts, random.nextBoolean()), () -> "cuts " +
                java.util.Arrays.toString(cuts));
        }
    }

    @Test
    void shouldReportIdleUntilTheRequestLineStarts()
    {
        final ByteBuffer buffer = buffer(bytes("\r\n\r\nG"), false);
        assertTrue(parser.isIdle());

        buffer.limit(3);
        assertFalse(parser.parse(buffer));
        assertTrue(parser.isIdle());

        buffer.limit(4);
        assertFalse(parser.parse(buffer));
        assertTrue(parser.isIdle());

        buffer.limit(5);
        assertFalse(parser.parse(buffer));
        assertFalse(parser.isIdle());

        parser.reset();
        assertTrue(parser.isIdle());
    }

    @Test
    void shouldAcceptARequestLineExactlyAtTheLimit()
    {
        final String line = "GET /" + "a".repeat(LIMITS.maxRequestLineLength() - 14) + " HTTP/1.1";
        assertEquals(LIMITS.maxRequestLineLength(), line.length());

        assertTrue(parser.parse(buffer(bytes(line + "\r\nHost: h\r\n\r\n"), false)));
    }

    @Test
    void shouldAcceptAHeadExactlyAtTheLimitGrowingItsBuffer()
    {
        final RequestHeadParser parser = new RequestHeadParser(LIMITS, 16);
        final String start = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
        final String request = start + "v".repeat(LIMITS.maxHeadLength() - start.length() - 4) + "\r\n\r\n";
        assertEquals(LIMITS.maxHeadLength(), request.length());

        assertTrue(parser.parse(buffer(bytes(request), false)));

        assertEquals(LIMITS.maxHeadLength(), parser.head().length());
        assertEquals(LIMITS.maxHeadLength(), parser.head().buffer().length);
    }

    @Test
    void shouldAcceptExactlyTheMaximumHeaderCount()
    {
        final StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 1; i < LIMITS.maxHeaderCount(); i++)
        {
            request.append("X-").append(i).append(": ").append(i).append("\r\n");
        }

        assertTrue(parser.parse(buffer(bytes(request.append("\r\n").toString()), false)));

        assertEquals(LIMITS.maxHeaderCount(), parser.head().headerCount());
        assertEquals(String.valueOf(LIMITS.maxHeaderCount() - 1), parser.head().headerValue(LIMITS.maxHeaderCount() - 1));
    }

    @Test
    void shouldAcceptABodyExactlyAtTheLimit()
    {
        final RequestHeadParser parser = new RequestHeadParser(LIMITS.withMaxBodyLength(10));

        assertTrue(parser.parse(buffer(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n"), false)));

        assertEquals(10, parser.head().contentLength());
    }

    @Test
    void shouldRefuseToParseAgainBeforeReset()
    {
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), false)));

        final IllegalStateException ex = assertThrows(
            IllegalStateException.class, () -> parser.parse(buffer(bytes("GET"), false)));
        assertTrue(ex.getMessage().contains("reset()"), ex.getMessage());
    }

    @Test
    void shouldBeUsableAgainAfterAFailureOnceReset()
    {
        assertThrows(HttpException.class, () -> parser.parse(buffer(bytes("GET / HTTP/1.1\n"), false)));
        assertThrows(IllegalStateException.class, () -> parser.parse(buffer(bytes("GET"), false)));

        parser.reset();

        assertTrue(parser.parse(buffer(bytes("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"), false)));
        assertEquals("/x", parser.head().target());
    }

    @Test
    void shouldResetEverythingDerivedFromTheLastRequest()
    {
        assertTrue(parser.parse(buffer(bytes(
            "POST http://a/ HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"),
            false)));
        parser.reset();

        assertTrue(parser.parse(buffer(bytes("GET /?q HTTP/1.1\r\nHost: h2\r\n\r\n"), false)));

        final RequestHead head = parser.head();
        assertEquals("GET /?q HTTP/1.1 [h2] NONE 0 true false",
            head.methodName() + " " + head.target() + " " + (head.version() == HttpVersion.HTTP_1_1 ? "HTTP/1.1" : "?") +
            " [" + head.host() + "] " + head.bodyFraming() + " " + head.contentLength() + " " + head.keepAlive() + " " +
            head.expectContinue());
        assertEquals(1, head.headerCount());
        assertEquals(TargetForm.ORIGIN, head.targetForm());
    }

    @Test
    void shouldDescribeItselfWithoutFieldValues()
    {
        assertTrue(parser.parse(buffer(bytes("GET /p HTTP/1.1\r\nHost: h\r\nCookie: secret\r\n\r\n"), false)));

        final String text = parser.head().toString();
        assertTrue(text.contains("GET /p"), text);
        assertFalse(text.contains("secret"), text);
    }

    @Test
    void shouldNotAllocatePerRequest()
    {
        final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean);
        final com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean)threads;
        assumeTrue(allocation.isThreadAllocatedMemorySupported() && allocation.isThreadAllocatedMemoryEnabled());

        final ByteBuffer buffer = buffer(bytes(
            "POST /app/x?y=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nConnection: keep-alive\r\n" +
            "Transfer-Encoding-X: no\r\nExpect: 100-continue\r\nAccept: */*\r\n\r\n"), true);
        final int requests = 20_000;
        parseRepeatedly(buffer, requests);

        final long threadId = Thread.currentThread().threadId();
        final long before = allocation.getThreadAllocatedBytes(threadId);
        parseRepeatedly(buffer, requests);
        final long allocated = allocation.getThreadAllocatedBytes(threadId) - before;

        assertTrue(allocated < requests, () -> "allocated=" + allocated + " bytes for requests=" + requests);
    }

    private void parseRepeatedly(final ByteBuffer buffer, final int requests)
    {
        for (int i = 0; i < requests; i++)
        {
            buffer.position(0);
            parser.reset();
            if (!parser.parse(buffer) || parser.head().contentLength() != 5)
            {
                throw new AssertionError("parse failed");
            }
        }
    }

    @Test
    void shouldHandOutTheSameHeadObjectForEveryRequest()
    {
        final RequestHead head = parser.head();
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), false)));
        parser.reset();
        assertTrue(parser.parse(buffer(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), false)));

        assertSame(head, parser.head());
        assertTrue(describe(head).startsWith("GET GET target=/ ORIGIN"), describe(head));
    }
}
