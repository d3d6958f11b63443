package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import static io.switchboard.cm.http.HttpTestSupport.buffer;
import static io.switchboard.cm.http.HttpTestSupport.bytes;
import static io.switchboard.cm.http.HttpTestSupport.randomCuts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random mutations of valid requests, fed in random pieces: the codec may only ever produce a head (which must
 * then be well-formed by an independent check) or an {@link HttpException} with one of its statuses; any other
 * exception fails, and so does a call that neither finishes nor consumes what it was given (the shape an endless
 * loop would take). A failure names the iteration's seed and input, so it replays alone.
 */
class HttpCodecFuzzTest
{
    private static final long SEED = 0x5B0A_2D11_C0DEL;
    private static final int ITERATIONS = 20_000;

    // Small limits, so that mutations reach them too.
    private static final HttpLimits LIMITS = new HttpLimits(64, 512, 12, 2, 64, 24, 48);
    private static final Set<Integer> STATUSES = Set.of(400, 413, 414, 431, 501, 505);
    private static final byte[] INTERESTING = bytes("\r\n \t:;,=\"\\\u0000\u0001\u000b\u007f\u0080\u00ff0159aAfFx%/?#@[]*-+.");
    private static final String[] SPLICES = {
        "\r\n", "\r\n\r\n", "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n", "Host: h\r\n",
        "Transfer-Encoding: gzip, chunked\r\n", "Content-Length: 99999999999\r\n", "Connection: close\r\n",
        "Expect: 100-continue\r\n", " HTTP/1.1", "HTTP/1.0", "0\r\n\r\n", "ffffffff\r\n", ";ext=\"q\"" };

    private static final List<byte[]> CORPUS = List.of(
        bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"),
        bytes("POST /p?q=1 HTTP/1.1\r\nHost: example.com:80\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"),
        bytes("PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n3\r\nabc\r\n0\r\nT: v\r\n\r\n"),
        bytes("\r\nGET http://h:8/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /%41 HTTP/1.1\r\nHost: a\r\n\r\n"),
        bytes("OPTIONS * HTTP/1.1\r\nHost: [::1]\r\nX: a, b\r\nConnection: close\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n"),
        bytes("PATCH /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n" +
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET / HTTP/1.1\r\nHost: h\r\n\r\n"));

    private static final int HEAD = 0;
    private static final int FIXED_BODY = 1;
    private static final int CHUNKED_BODY = 2;

    @Test
    void shouldOnlyEverParseOrRefuseMutatedRequests()
    {
        final Random seeds = new Random(SEED);
        int heads = 0;
        int refusals = 0;
        for (int i = 0; i < ITERATIONS; i++)
        {
            final long seed = seeds.nextLong();
            final Random random = new Random(seed);
            final byte[] input = mutate(random, CORPUS.get(random.nextInt(CORPUS.size())));
            final int[] outcome = replay(i, seed, random, input);
            heads += outcome[0];
            refusals += outcome[1];
        }

        // The mutations must exercise both outcomes, or the test proves little.
        assertTrue(heads > ITERATIONS / 4, "heads=" + heads);
        assertTrue(refusals > ITERATIONS / 4, "refusals=" + refusals);
    }

    @Test
    void shouldOnlyEverParseOrRefuseRandomBytes()
    {
        final Random seeds = new Random(SEED + 1);
        for (int i = 0; i < ITERATIONS / 4; i++)
        {
            final long seed = seeds.nextLong();
            final Random random = new Random(seed);
            final byte[] noise = new byte[random.nextInt(200)];
            for (int j = 0; j < noise.length; j++)
            {
                noise[j] = random.nextInt(3) == 0 ? (byte)random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
            }
            final byte[] prefix = bytes(random.nextBoolean() ? "GET / HTTP/1.1\r\nHost: h\r\n" : "");
            final byte[] input = Arrays.copyOf(prefix, prefix.length + noise.length);
            System.arraycopy(noise, 0, input, prefix.length, noise.length);
            replay(i, seed, random, input);
        }
    }

    private static int[] replay(final int iteration, final long seed, final Random random, final byte[] input)
    {
        try
        {
            return run(random, input);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("iteration=" + iteration + ", seed=" + seed + ", input=" + escape(input), ex);
        }
    }

    /**
     * @return {heads parsed, 1 if refused}.
     */
    private static int[] run(final Random random, final byte[] input)
    {
        final ByteBuffer buffer = buffer(input, random.nextBoolean());
        final int[] cuts = randomCuts(random, input.length);
        final RequestHeadParser parser = new RequestHeadParser(LIMITS, 1 + random.nextInt(64));
        final ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        int stage = HEAD;
        int headStart = 0;
        long remaining = 0;
        int heads = 0;
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
                            assertEquals(limit, buffer.position(), "an unfinished head must consume all it was given");
                            break;
                        }
                        heads++;
                        final RequestHead head = parser.head();
                        checkHead(head);
                        assertEquals(
                            headStart + leadingEmptyLineBytes(input, headStart) + head.length(), buffer.position(),
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
                        final int maxDataLength = 1 + random.nextInt(8);
                        final int delivered = decoder.decode(buffer, maxDataLength, (source, index, length) ->
                        {
                            assertTrue(length > 0 && index >= before && index + length <= limit,
                                "data range out of bounds: index=" + index + ", length=" + length);
                        });
                        assertTrue(delivered <= maxDataLength);
                        assertTrue(buffer.position() > before, "the decoder made no progress");
                        assertTrue(decoder.bodyLength() <= LIMITS.maxBodyLength());
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
                    assertTrue(STATUSES.contains(ex.status()), "status=" + ex.status());
                    assertFalse(ex.reason().isEmpty());
                    assertTrue(buffer.position() > before && buffer.position() <= limit);
                    return new int[]{ heads, 1 };
                }
            }
        }

        return new int[]{ heads, 0 };
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
    private static void checkHead(final RequestHead head)
    {
        final byte[] b = head.buffer();
        final int n = head.length();
        assertTrue(n <= LIMITS.maxHeadLength(), "length=" + n);
        assertTrue(n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n');
        for (int i = 0; i < n; i++)
        {
            final int c = b[i] & 0xFF;
            assertTrue(c != '\r' || b[i + 1] == '\n', "bare CR at " + i);
            assertTrue(c != '\n' || (i > 0 && b[i - 1] == '\r'), "bare LF at " + i);
            assertTrue(c >= 0x20 && c != 0x7F || c == '\r' || c == '\n' || c == '\t', "control byte at " + i);
        }

        final String text = new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        final String requestLine = text.substring(0, text.indexOf("\r\n"));
        assertTrue(requestLine.length() <= LIMITS.maxRequestLineLength());
        final String[] parts = requestLine.split(" ", -1);
        assertEquals(3, parts.length, requestLine);
        assertTrue(parts[0].chars().allMatch(c -> HttpChars.isTchar(c)), requestLine);
        assertTrue(parts[2].matches("HTTP/1\\.[0-9]"), requestLine);
        assertFalse(parts[1].contains("#"));
        assertEquals(parts[0], head.methodName());
        assertEquals(parts[1], head.target());

        assertTrue(head.headerCount() <= LIMITS.maxHeaderCount());
        int hosts = 0;
        int contentLengths = 0;
        int transferEncodings = 0;
        String contentLength = null;
        for (int i = 0; i < head.headerCount(); i++)
        {
            final String name = head.headerName(i);
            final String value = head.headerValue(i);
            assertFalse(name.isEmpty());
            assertTrue(name.chars().allMatch(c -> HttpChars.isTchar(c)), name);
            assertFalse(value.startsWith(" ") || value.startsWith("\t") || value.endsWith(" ") || value.endsWith("\t"));
            assertFalse(value.contains("\r") || value.contains("\n"));
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

        assertTrue(hosts <= 1);
        if (head.version() == HttpVersion.HTTP_1_1)
        {
            assertEquals(1, hosts);
        }
        if (transferEncodings > 0)
        {
            assertEquals(BodyFraming.CHUNKED, head.bodyFraming());
            assertEquals(0, contentLengths);
            assertEquals(HttpVersion.HTTP_1_1, head.version());
        }
        else if (contentLengths > 0)
        {
            assertEquals(1, contentLengths);
            assertEquals(BodyFraming.CONTENT_LENGTH, head.bodyFraming());
            assertTrue(contentLength.matches("[0-9]+"), contentLength);
            assertTrue(head.contentLength() <= LIMITS.maxBodyLength());
            assertEquals(Long.parseLong(contentLength), head.contentLength());
        }
        else
        {
            assertEquals(BodyFraming.NONE, head.bodyFraming());
        }
    }

    private static byte[] mutate(final Random random, final byte[] original)
    {
        byte[] bytes = original.clone();
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++)
        {
            final int at = random.nextInt(bytes.length + 1);
            switch (random.nextInt(6))
            {
                case 0 ->
                {
                    if (at < bytes.length)
                    {
                        bytes[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                }
                case 1 ->
                {
                    if (at < bytes.length)
                    {
                        bytes[at] = (byte)random.nextInt(256);
                    }
                }
                case 2 -> bytes = splice(bytes, at, new byte[]{ INTERESTING[random.nextInt(INTERESTING.length)] });
                case 3 ->
                {
                    if (at < bytes.length)
                    {
                        final int length = Math.min(bytes.length - at, 1 + random.nextInt(4));
                        final byte[] shorter = new byte[bytes.length - length];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + length, shorter, at, bytes.length - at - length);
                        bytes = shorter;
                    }
                }
                case 4 -> bytes = splice(bytes, at, bytes(SPLICES[random.nextInt(SPLICES.length)]));
                default ->
                {
                    final int from = random.nextInt(bytes.length);
                    final int length = Math.min(bytes.length - from, 1 + random.nextInt(40));
                    bytes = splice(bytes, at, Arrays.copyOfRange(bytes, from, from + length));
                }
            }
        }

        return bytes;
    }

    private static byte[] splice(final byte[] bytes, final int at, final byte[] inserted)
    {
        final byte[] longer = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, inserted.length);
        System.arraycopy(bytes, at, longer, at + inserted.length, bytes.length - at);
        return longer;
    }

    private static String escape(final byte[] bytes)
    {
        final StringBuilder text = new StringBuilder("\"");
        for (final byte b : bytes)
        {
            final int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            {
                text.append((char)c);
            }
            else
            {
                text.append(String.format("\\x%02x", c));
            }
        }
        return text.append('"').toString();
    }
}
