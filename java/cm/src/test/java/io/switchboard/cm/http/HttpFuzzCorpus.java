package io.switchboard.cm.http;

import io.switchboard.testsupport.fuzz.Mutator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * What the HTTP fuzz targets start from and steer by: valid requests (pipelined,
 * with both body framings), valid chunked bodies, the bytes and tokens HTTP
 * parsing turns on, and the statuses a refusal may carry. Shared by the JUnit
 * fuzz tests and {@code ./switchboard bench fuzz}.
 */
public final class HttpFuzzCorpus
{
    /** Small limits, so that mutations reach every one of them. */
    public static final HttpLimits SMALL_LIMITS = new HttpLimits(64, 512, 12, 2, 64, 24, 48);

    /** Every status a refusal of a request head or a chunked body may carry. */
    public static final Set<Integer> STATUSES = Set.of(400, 413, 414, 431, 501, 505);

    public static final byte[] INTERESTING =
        bytes("\r\n \t:;,=\"\\\u0000\u0001\u000b\u007f\u0080\u00ff0159aAfFx%/?#@[]*-+.");

    public static final List<byte[]> TOKENS = Mutator.latin1(
        "\r\n", "\r\n\r\n", "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n", "Host: h\r\n",
        "Transfer-Encoding: gzip, chunked\r\n", "Content-Length: 99999999999\r\n", "Connection: close\r\n",
        "Expect: 100-continue\r\n", " HTTP/1.1", "HTTP/1.0", "0\r\n\r\n", "ffffffff\r\n", ";ext=\"q\"",
        "Content-Length: 18446744073709551616\r\n", "Content-Length: -1\r\n", "Content-Length: 1, 1\r\n",
        "ffffffffffffffffff\r\n", "7fffffffffffffff\r\n", "\n", "\r", "Host: a\r\nHost: b\r\n", " \r\n",
        "Transfer-Encoding: chunked, chunked\r\n", "HTTP/1.1\r\n", "GET ", "http://h:99999/", "%00", "%zz");

    public static final List<byte[]> REQUESTS = List.of(
        bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"),
        bytes("POST /p?q=1 HTTP/1.1\r\nHost: example.com:80\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"),
        bytes("PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n3\r\nabc\r\n0\r\nT: v\r\n\r\n"),
        bytes("\r\nGET http://h:8/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /%41 HTTP/1.1\r\nHost: a\r\n\r\n"),
        bytes("OPTIONS * HTTP/1.1\r\nHost: [::1]\r\nX: a, b\r\nConnection: close\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n"),
        bytes("PATCH /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n" +
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET / HTTP/1.1\r\nHost: h\r\n\r\n"));

    public static final List<byte[]> CHUNKED_BODIES = List.of(
        bytes("5\r\nhello\r\n0\r\n\r\n"),
        bytes("1;a=b;c=\"d e\"\r\nx\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\n"),
        bytes("0\r\n\r\n"),
        bytes("3\r\nabc\r\n3\r\ndef\r\n0;last\r\n\r\n"));

    private HttpFuzzCorpus()
    {
    }

    public static Mutator mutator()
    {
        return new Mutator(INTERESTING, TOKENS, 1 << 17);
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * @return a refusal's label: status and reason, digits masked, so that equal causes count as one outcome.
     */
    static String refusal(final HttpException ex)
    {
        return "refused " + ex.status() + " " + ex.reason().replaceAll("[0-9]+", "#");
    }
}
