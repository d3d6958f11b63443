package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.switchboard.cm.http.HttpTestSupport.assertNoPeerBytes;
import static io.switchboard.cm.http.HttpTestSupport.buffer;
import static io.switchboard.cm.http.HttpTestSupport.bytes;
import static io.switchboard.cm.http.HttpTestSupport.randomCuts;
import static io.switchboard.cm.http.HttpTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkedDecoderTest
{
    private static final HttpLimits LIMITS = HttpLimits.DEFAULT;
    private static final String CANARY = "zqx";
    private static final String NEXT = "GET / HTTP/1.1\r\n";

    private final ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final ChunkDataHandler collector = (buffer, index, length) ->
    {
        assertTrue(length > 0);
        final byte[] bytes = new byte[length];
        buffer.get(index, bytes);
        data.writeBytes(bytes);
    };

    /**
     * Valid bodies and the data each carries; a pipelined request follows each.
     */
    static List<Arguments> validBodies()
    {
        return List.of(
            Arguments.of("0\r\n\r\n", ""),
            Arguments.of("5\r\nhello\r\n0\r\n\r\n", "hello"),
            Arguments.of("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
            Arguments.of("A\r\n0123456789\r\na\r\nabcdefghij\r\n000\r\n\r\n", "0123456789abcdefghij"),
            Arguments.of("0005\r\nhe\r\nl\r\n0\r\n\r\n", "he\r\nl"),
            Arguments.of("3;name=value;flag\r\nabc\r\n0;last\r\n\r\n", "abc"),
            Arguments.of("3 ;a=\"b; c\"\t;d\r\nabc\r\n0\r\n\r\n", "abc"),
            Arguments.of("3\r\nabc\r\n0\r\nChecksum: x\r\nX-Empty:\r\nX-Obs: caf\u00e9\r\n\r\n", "abc"),
            Arguments.of("2\r\n\u0000\u00ff\r\n0\r\n\r\n", "\u0000\u00ff"));
    }

    @ParameterizedTest
    @MethodSource("validBodies")
    void shouldDeliverTheDataInPlaceAndStopAfterTheBody(final String body, final String expected)
    {
        final ByteBuffer buffer = buffer(bytes(body + NEXT), false);

        final int delivered = decoder.decode(buffer, Integer.MAX_VALUE, collector);

        assertTrue(decoder.isDone());
        assertEquals(expected.length(), delivered);
        assertEquals(expected.length(), decoder.bodyLength());
        assertEquals(expected, data.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(body.length(), buffer.position());
        assertEquals(NEXT, text(buffer, buffer.position(), buffer.limit()));
    }

    @ParameterizedTest
    @MethodSource("validBodies")
    void shouldDecodeTheSameWhateverTheSplit(final String body, final String expected)
    {
        final byte[] bytes = bytes(body + NEXT);
        for (int cut = 0; cut <= bytes.length; cut++)
        {
            assertEquals(expected + "|" + body.length(), decodeInPieces(bytes, new int[]{ cut }, false, Integer.MAX_VALUE),
                "cut at " + cut);
        }

        final int[] everyByte = new int[bytes.length];
        for (int i = 0; i < everyByte.length; i++)
        {
            everyByte[i] = i;
        }
        assertEquals(expected + "|" + body.length(), decodeInPieces(bytes, everyByte, true, Integer.MAX_VALUE));

        final Random random = new Random(body.hashCode());
        for (int i = 0; i < 100; i++)
        {
            final int maxDataLength = 1 + random.nextInt(4);
            assertEquals(expected + "|" + body.length(),
                decodeInPieces(bytes, randomCuts(random, bytes.length), random.nextBoolean(), maxDataLength));
        }
    }

    private static String decodeInPieces(
        final byte[] bytes, final int[] cuts, final boolean direct, final int maxDataLength)
    {
        final ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        final StringBuilder data = new StringBuilder();
        final ChunkDataHandler handler = (buffer, index, length) ->
        {
            for (int i = 0; i < length; i++)
            {
                data.append((char)(buffer.get(index + i) & 0xFF));
            }
        };
        final ByteBuffer buffer = buffer(bytes, direct);
        for (int i = 0; i <= cuts.length && !decoder.isDone(); i++)
        {
            buffer.limit(i < cuts.length ? cuts[i] : bytes.length);
            while (!decoder.isDone())
            {
                final int before = buffer.position();
                final int delivered = decoder.decode(buffer, maxDataLength, handler);
                assertTrue(delivered <= maxDataLength);
                if (buffer.position() == before || buffer.position() == buffer.limit())
                {
                    break;
                }
            }
        }

        return decoder.isDone() ? data + "|" + buffer.position() : "incomplete";
    }

    @Test
    void shouldHoldBackDataBeyondTheGivenMaximum()
    {
        final ByteBuffer buffer = buffer(bytes("a\r\n0123456789\r\n0\r\n\r\n"), false);

        assertEquals(4, decoder.decode(buffer, 4, collector));
        assertEquals(7, buffer.position());
        assertEquals(0, decoder.decode(buffer, 0, collector));
        assertEquals(7, buffer.position());
        assertEquals(6, decoder.decode(buffer, 100, collector));

        assertTrue(decoder.isDone());
        assertEquals("0123456789", data.toString());
    }

    @Test
    void shouldConsumeFramingUpToTheDataWhenNoDataIsWanted()
    {
        final ByteBuffer buffer = buffer(bytes("3;x=y\r\nabc\r\n"), false);

        assertEquals(0, decoder.decode(buffer, 0, collector));

        assertEquals(7, buffer.position());
        assertFalse(decoder.isDone());
    }

    @Test
    void shouldAcceptABodyExactlyAtTheLimit()
    {
        final ChunkedDecoder decoder = new ChunkedDecoder(LIMITS.withMaxBodyLength(10));

        decoder.decode(buffer(bytes("4\r\n0123\r\n6\r\n456789\r\n0\r\n\r\n"), false), 100, collector);

        assertTrue(decoder.isDone());
        assertEquals(10, decoder.bodyLength());
    }

    @Test
    void shouldBeReusableAfterReset()
    {
        decoder.decode(buffer(bytes("1\r\na\r\n0\r\n\r\n"), false), 100, collector);
        assertThrows(IllegalStateException.class, () -> decoder.decode(buffer(bytes("0"), false), 100, collector));

        decoder.reset();
        decoder.decode(buffer(bytes("1\r\nb\r\n0\r\n\r\n"), false), 100, collector);

        assertTrue(decoder.isDone());
        assertEquals(1, decoder.bodyLength());
        assertEquals("ab", data.toString());
    }

    @Test
    void shouldRejectANegativeMaximum()
    {
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(buffer(bytes("0"), false), -1, collector));
    }

    static List<Arguments> malformedBodies()
    {
        final List<Arguments> cases = new ArrayList<>();
        add(cases, 400, "empty size", "\r\n");
        add(cases, 400, "size not hex", CANARY + "\r\n");
        add(cases, 400, "negative size", "-1\r\n");
        add(cases, 400, "signed size", "+1\r\n");
        add(cases, 400, "0x prefix", "0x5\r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "space before size", " 5\r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "space after size without extension", "5 \r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "junk after size", "5x\r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "bare LF after size", "5\nhello\r\n0\r\n\r\n");
        add(cases, 400, "bare CR after size", "5\rhello\r\n0\r\n\r\n");
        add(cases, 400, "data longer than size", "5\r\nhello!\r\n0\r\n\r\n");
        add(cases, 400, "data shorter than size", "5\r\nhell\r\n0\r\n\r\n");
        add(cases, 400, "LF only after data", "5\r\nhello\n0\r\n\r\n");
        add(cases, 400, "CR only after data", "5\r\nhello\r0\r\n\r\n");
        add(cases, 400, "NUL in extension", "5;a\u0000\r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "bare LF in extension", "5;a\nb\r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "bare CR in extension", "5;a\rb\r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "LF in quoted extension", "5;a=\"x\ny\"\r\nhello\r\n0\r\n\r\n");
        add(cases, 400, "extension too long", "5;" + "e".repeat(LIMITS.maxChunkLineLength()) + "\r\nhello\r\n");
        add(cases, 400, "size too long with zeros", "0".repeat(LIMITS.maxChunkLineLength() + 1) + "5\r\n");
        add(cases, 400, "obs-fold in trailer", "0\r\nX: a\r\n b\r\n\r\n");
        add(cases, 400, "whitespace first in trailer", "0\r\n X: a\r\n\r\n");
        add(cases, 400, "trailer without colon", "0\r\nX" + CANARY + "\r\n\r\n");
        add(cases, 400, "space before colon in trailer", "0\r\nX : a\r\n\r\n");
        add(cases, 400, "NUL in trailer value", "0\r\nX: a\u0000\r\n\r\n");
        add(cases, 400, "bare LF in trailer", "0\r\nX: a\n\r\n");
        add(cases, 400, "bare CR in trailer", "0\r\nX: a\rb\r\n\r\n");
        add(cases, 400, "bare CR at the end", "0\r\n\r\r");
        add(cases, 400, "bare LF at the end", "0\r\n\n");
        add(cases, 413, "chunk above the limit", Long.toHexString(LIMITS.maxBodyLength() + 1) + "\r\n");
        add(cases, 413, "size beyond a long", "f".repeat(40) + "\r\n");
        add(cases, 431, "trailers too large", "0\r\nX: " + "v".repeat(LIMITS.maxTrailerLength()) + "\r\n\r\n");
        return cases;
    }

    private static void add(final List<Arguments> cases, final int status, final String name, final String body)
    {
        cases.add(Arguments.argumentSet(status + " " + name, status, body));
    }

    @ParameterizedTest
    @MethodSource("malformedBodies")
    void shouldRefuseWithTheRightStatus(final int status, final String body)
    {
        final ByteBuffer buffer = buffer(bytes(body), false);

        final HttpException ex = assertThrows(
            HttpException.class, () -> decoder.decode(buffer, Integer.MAX_VALUE, (b, index, length) -> { }));

        assertEquals(status, ex.status(), ex.reason());
        assertNoPeerBytes(ex, CANARY);
        assertThrows(IllegalStateException.class, () -> decoder.decode(buffer, 1, collector));
    }

    @ParameterizedTest
    @MethodSource("malformedBodies")
    void shouldRefuseTheSameWayByteByByte(final int status, final String body)
    {
        final ByteBuffer buffer = buffer(bytes(body), true);
        final ChunkDataHandler ignore = (b, index, length) -> { };

        final HttpException ex = assertThrows(HttpException.class, () ->
        {
            for (int limit = 1; limit <= buffer.capacity(); limit++)
            {
                buffer.limit(limit);
                decoder.decode(buffer, Integer.MAX_VALUE, ignore);
            }
        });

        assertEquals(status, ex.status(), ex.reason());
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 16 })
    void shouldBoundTheChunkLineIncludingExtensions(final int maxChunkLineLength)
    {
        final HttpLimits limits = new HttpLimits(16, 1024, 10, 0, 100, maxChunkLineLength, 0);
        final String atLimit = "1" + ";".repeat(maxChunkLineLength - 1);

        final ChunkedDecoder accepting = new ChunkedDecoder(limits);
        accepting.decode(buffer(bytes(atLimit + "\r\nx\r\n0\r\n\r\n"), false), 10, collector);
        assertTrue(accepting.isDone());

        final ChunkedDecoder refusing = new ChunkedDecoder(limits);
        final HttpException ex = assertThrows(HttpException.class,
            () -> refusing.decode(buffer(bytes(atLimit + ";\r\nx\r\n0\r\n\r\n"), false), 10, collector));
        assertEquals("chunk line too long", ex.reason());
    }

    @Test
    void shouldRefuseChunksWhoseSumExceedsTheLimit()
    {
        final ChunkedDecoder decoder = new ChunkedDecoder(LIMITS.withMaxBodyLength(10));
        final ByteBuffer buffer = buffer(bytes("6\r\n012345\r\n5\r\n6789a\r\n0\r\n\r\n"), false);

        final HttpException ex = assertThrows(HttpException.class, () -> decoder.decode(buffer, 100, collector));

        assertEquals(413, ex.status());
        assertEquals("012345", data.toString());
        assertEquals(12, buffer.position());
    }

    @Test
    void shouldAcceptAnEmptyTrailerSectionWithAZeroTrailerLimit()
    {
        final ChunkedDecoder decoder = new ChunkedDecoder(new HttpLimits(16, 1024, 10, 0, 100, 16, 0));

        decoder.decode(buffer(bytes("0\r\n\r\n"), false), 10, collector);

        assertTrue(decoder.isDone());
    }
}
