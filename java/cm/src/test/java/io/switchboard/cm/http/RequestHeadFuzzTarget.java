package io.switchboard.cm.http;

import io.switchboard.testsupport.fuzz.FuzzTarget;
import io.switchboard.testsupport.fuzz.Splits;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

import static io.switchboard.cm.http.FuzzCheck.equal;
import static io.switchboard.cm.http.FuzzCheck.that;

/**
 * Fuzzes {@link RequestHeadParser} (and the {@link ChunkedDecoder} behind a
 * chunked head) the way a connection drives them: pipelined requests, bodies
 * skipped or decoded, the input revealed in random pieces. The contract:
 * <ul>
 *   <li>a call either parses a head, which an independent check of its bytes must then find well formed, or
 *       refuses with an {@link HttpException} of a documented status and a reason; nothing else is thrown;</li>
 *   <li>an unfinished call consumes everything it was given (else the caller would loop), and the decoder
 *       always makes progress and never hands out a range outside what it was given;</li>
 *   <li>no state is left behind: after every case, failed or not, the same parser and decoder, reset, parse
 *       a valid request and decode a valid body exactly as fresh ones do.</li>
 * </ul>
 * The parser and decoder live as long as the target; one target per thread.
 */
public final class RequestHeadFuzzTarget implements FuzzTarget
{
    private static final byte[] CANARY_HEAD = HttpFuzzCorpus.bytes(
        "POST /canary?x=1 HTTP/1.1\r\nHost: canary\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n");
    private static final byte[] CANARY_BODY = HttpFuzzCorpus.bytes("4\r\nabcd\r\n0\r\n\r\n");

    private static final int HEAD = 0;
    private static final int FIXED_BODY = 1;
    private static final int CHUNKED_BODY = 2;

    private final HttpLimits limits;
    private final String name;
    private final String canaryDescription;
    private RequestHeadParser parser;
    private final ChunkedDecoder decoder;

    /**
     * @param limits {@link HttpFuzzCorpus#SMALL_LIMITS} to reach every limit, {@link HttpLimits#DEFAULT} for
     *               huge values against the real ones.
     */
    public RequestHeadFuzzTarget(final HttpLimits limits, final String name)
    {
        this.limits = limits;
        this.name = name;
        this.parser = new RequestHeadParser(limits, 16);
        this.decoder = new ChunkedDecoder(limits);
        final RequestHeadParser fresh = new RequestHeadParser(limits);
        fresh.parse(ByteBuffer.wrap(CANARY_HEAD));
        this.canaryDescription = HttpTestSupport.describe(fresh.head());
    }

    public String name()
    {
        return name;
    }

    public String run(final byte[] input, final Random random)
    {
        if (random.nextInt(8) == 0)
        {
            // a small first buffer now and then, so that the head buffer's growth is fuzzed too
            parser = new RequestHeadParser(limits, 1 + random.nextInt(64));
        }
        parser.reset();
        decoder.reset();
        final String outcome = parse(input, random.nextBoolean(), Splits.random(random, input.length), random);
        checkNothingLeftBehind();
        return outcome;
    }

    /**
     * Parses one input split at {@code cuts}, with fixed data chunk sizes, on the reset parser and decoder.
     *
     * @return every head's description and the final outcome: equal for every split of one input.
     */
    public String parseSplit(final byte[] input, final int[] cuts)
    {
        parser.reset();
        decoder.reset();
        final String outcome = parse(input, false, cuts, null);
        checkNothingLeftBehind();
        return outcome;
    }

    /**
     * Parses {@code input} revealed up to each cut in turn.
     *
     * @return the outcome's label; with {@code random} null, data chunk sizes are fixed and the label carries
     * every head's description (for comparing splits of one input).
     */
    String parse(final byte[] input, final boolean direct, final int[] cuts, final Random random)
    {
        final ByteBuffer buffer = HttpTestSupport.buffer(input, direct);
        final StringBuilder heads = random == null ? new StringBuilder() : null;
        int stage = HEAD;
        int headStart = 0;
        long remaining = 0;
        int headCount = 0;
        for (int c = 0; c <= cuts.length; c++)
        {
            final int limit = c < cuts.length ? cuts[c] : input.length;
            buffer.limit(limit);
            while (buffer.hasRemaining())
            {
                final int before = buffer.position();
                try
                {
                    if (stage == HEAD)
                    {
                        if (!parser.parse(buffer))
                        {
                            equal(limit, buffer.position(), "an unfinished head must consume all it was given");
                            break;
                        }
                        headCount++;
                        final RequestHead head = parser.head();
                        checkHead(head);
                        if (heads != null)
                        {
                            heads.append(HttpTestSupport.describe(head)).append('\n');
                        }
                        equal(headStart + leadingEmptyLineBytes(input, headStart) + head.length(), buffer.position(),
                            "the parser must stop right after the head");
                        if (head.bodyFraming() == BodyFraming.CHUNKED)
                        {
                            decoder.reset();
                            stage = CHUNKED_BODY;
                        }
                        else if (head.bodyFraming() == BodyFraming.CONTENT_LENGTH && head.contentLength() > 0)
                        {
                            remaining = head.contentLength();
                            stage = FIXED_BODY;
                        }
                        else
                        {
                            parser.reset();
                            headStart = buffer.position();
                        }
                    }
                    else if (stage == FIXED_BODY)
                    {
                        final int skip = (int)Math.min(remaining, buffer.remaining());
                        buffer.position(before + skip);
                        remaining -= skip;
                        if (remaining == 0)
                        {
                            parser.reset();
                            headStart = buffer.position();
                            stage = HEAD;
                        }
                    }
                    else
                    {
                        final int maxDataLength = random == null ? 5 : 1 + random.nextInt(8);
                        final int delivered = decoder.decode(buffer, maxDataLength, (source, index, length) ->
                            that(length > 0 && index >= before && index + length <= limit,
                                "data range out of bounds: index=" + index + ", length=" + length));
                        that(delivered <= maxDataLength, "delivered=" + delivered + " maxDataLength=" + maxDataLength);
                        that(buffer.position() > before, "the decoder made no progress");
                        that(decoder.bodyLength() <= limits.maxBodyLength(), "bodyLength=" + decoder.bodyLength());
                        if (decoder.isDone())
                        {
                            parser.reset();
                            headStart = buffer.position();
                            stage = HEAD;
                        }
                    }
                }
                catch (final HttpException ex)
                {
                    that(HttpFuzzCorpus.STATUSES.contains(ex.status()), "undocumented status=" + ex.status());
                    that(!ex.reason().isEmpty(), "a refusal without a reason");
                    that(buffer.position() > before && buffer.position() <= limit,
                        "a refusal must consume the byte it refused: position=" + buffer.position() +
                        " before=" + before + " limit=" + limit);
                    return (heads != null ? heads.toString() : "") + HttpFuzzCorpus.refusal(ex) +
                        (stage == CHUNKED_BODY ? " in chunked body" : "");
                }
            }
        }

        final String label = "parsed " + Math.min(headCount, 3) + (headCount >= 3 ? "+" : "") +
            (stage == HEAD && !parser.isIdle() ? ", head unfinished" : "") +
            (stage == FIXED_BODY ? ", body unfinished" : "") + (stage == CHUNKED_BODY ? ", chunked unfinished" : "");
        return heads != null ? heads + label : label;
    }

    /**
     * The parser and decoder, reset, serve a valid request as fresh ones would.
     */
    private void checkNothingLeftBehind()
    {
        parser.reset();
        final ByteBuffer head = ByteBuffer.wrap(CANARY_HEAD);
        that(parser.parse(head), "a reset parser did not parse a valid head");
        equal(canaryDescription, HttpTestSupport.describe(parser.head()), "a reset parser parsed differently");
        equal(CANARY_HEAD.length, head.position(), "a reset parser stopped elsewhere");
        parser.reset();

        decoder.reset();
        final ByteBuffer body = ByteBuffer.wrap(CANARY_BODY);
        final StringBuilder data = new StringBuilder();
        while (!decoder.isDone() && body.hasRemaining())
        {
            decoder.decode(body, 64, (source, index, length) ->
                data.append(new String(CANARY_BODY, index, length, StandardCharsets.ISO_8859_1)));
        }
        that(decoder.isDone(), "a reset decoder did not finish a valid body");
        equal("abcd", data.toString(), "a reset decoder decoded differently");
        equal(4L, decoder.bodyLength(), "a reset decoder counted differently");
        decoder.reset();
    }

    private static int leadingEmptyLineBytes(final byte[] input, final int from)
    {
        int i = from;
        while (i + 1 < input.length && input[i] == '\r' && input[i + 1] == '\n')
        {
            i += 2;
        }
        return i - from;
    }

    /**
     * What a parsed head must be, checked from its bytes without the parser's code.
     */
    private void checkHead(final RequestHead head)
    {
        final byte[] b = head.buffer();
        final int n = head.length();
        that(n <= limits.maxHeadLength(), "length=" + n);
        that(n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n',
            "a head must end in CRLF CRLF");
        for (int i = 0; i < n; i++)
        {
            final int c = b[i] & 0xFF;
            that(c != '\r' || b[i + 1] == '\n', "bare CR at " + i);
            that(c != '\n' || (i > 0 && b[i - 1] == '\r'), "bare LF at " + i);
            that(c >= 0x20 && c != 0x7F || c == '\r' || c == '\n' || c == '\t', "control byte at " + i);
        }

        final String text = new String(b, 0, n, StandardCharsets.ISO_8859_1);
        final String requestLine = text.substring(0, text.indexOf("\r\n"));
        that(requestLine.length() <= limits.maxRequestLineLength(), "request line too long: " + requestLine.length());
        final String[] parts = requestLine.split(" ", -1);
        equal(3, parts.length, "request line parts");
        that(parts[0].chars().allMatch(HttpChars::isTchar), "method not a token");
        that(parts[2].matches("HTTP/1\\.[0-9]"), "version");
        that(!parts[1].contains("#"), "a fragment in the target");
        equal(parts[0], head.methodName(), "method");
        equal(parts[1], head.target(), "target");

        that(head.headerCount() <= limits.maxHeaderCount(), "headerCount=" + head.headerCount());
        int hosts = 0;
        int contentLengths = 0;
        int transferEncodings = 0;
        String contentLength = null;
        for (int i = 0; i < head.headerCount(); i++)
        {
            final String name = head.headerName(i);
            final String value = head.headerValue(i);
            that(!name.isEmpty(), "empty header name");
            that(name.chars().allMatch(HttpChars::isTchar), "header name not a token");
            that(!(value.startsWith(" ") || value.startsWith("\t") || value.endsWith(" ") || value.endsWith("\t")),
                "header value not trimmed");
            that(!(value.contains("\r") || value.contains("\n")), "CR or LF in a header value");
            switch (name.toLowerCase(Locale.ROOT))
            {
                case "host" -> hosts++;
                case "content-length" ->
                {
                    contentLengths++;
                    contentLength = value;
                }
                case "transfer-encoding" -> transferEncodings++;
                default ->
                {
                }
            }
        }

        that(hosts <= 1, "hosts=" + hosts);
        if (head.version() == HttpVersion.HTTP_1_1)
        {
            equal(1, hosts, "an HTTP/1.1 head without one Host");
        }
        if (transferEncodings > 0)
        {
            equal(BodyFraming.CHUNKED, head.bodyFraming(), "framing");
            equal(0, contentLengths, "Content-Length beside Transfer-Encoding");
            equal(HttpVersion.HTTP_1_1, head.version(), "Transfer-Encoding on HTTP/1.0");
        }
        else if (contentLengths > 0)
        {
            equal(1, contentLengths, "Content-Length count");
            equal(BodyFraming.CONTENT_LENGTH, head.bodyFraming(), "framing");
            that(contentLength.matches("[0-9]+"), "Content-Length not digits");
            that(head.contentLength() <= limits.maxBodyLength(), "Content-Length above the limit");
            equal(Long.parseLong(contentLength), head.contentLength(), "Content-Length value");
        }
        else
        {
            equal(BodyFraming.NONE, head.bodyFraming(), "framing");
        }
    }
}
