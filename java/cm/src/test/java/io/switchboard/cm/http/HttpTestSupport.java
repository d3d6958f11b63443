package io.switchboard.cm.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Helpers shared by the codec tests: bytes from text, feeding a parser in pieces, and a canonical description of a
 * parsed head so two parses can be compared.
 */
final class HttpTestSupport
{
    private HttpTestSupport()
    {
    }

    static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(final ByteBuffer buffer, final int from, final int to)
    {
        final byte[] bytes = new byte[to - from];
        buffer.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static ByteBuffer buffer(final byte[] bytes, final boolean direct)
    {
        final ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    /**
     * Feeds {@code bytes} to a fresh parser, revealing them up to each cut in turn (the limit moves, as if the
     * bytes arrived in those pieces), and returns the description of the parsed head, or the status of the
     * refusal as {@code "status=NNN"}. Asserts that a call that did not finish consumed every byte it was given.
     */
    static String parseInPieces(final HttpLimits limits, final byte[] bytes, final int[] cuts, final boolean direct)
    {
        final RequestHeadParser parser = new RequestHeadParser(limits, 64);
        final ByteBuffer buffer = buffer(bytes, direct);
        try
        {
            for (int i = 0; i <= cuts.length; i++)
            {
                final int end = i < cuts.length ? cuts[i] : bytes.length;
                buffer.limit(end);
                if (parser.parse(buffer))
                {
                    return describe(parser.head()) + " @" + buffer.position();
                }
                assertEquals(end, buffer.position(), "an unfinished parse must consume all it was given");
            }
            return "incomplete";
        }
        catch (final HttpException ex)
        {
            return "status=" + ex.status();
        }
    }

    static String parseWhole(final HttpLimits limits, final byte[] bytes)
    {
        return parseInPieces(limits, bytes, new int[0], false);
    }

    static String parseByteByByte(final HttpLimits limits, final byte[] bytes, final boolean direct)
    {
        final int[] cuts = new int[bytes.length];
        for (int i = 0; i < cuts.length; i++)
        {
            cuts[i] = i;
        }
        return parseInPieces(limits, bytes, cuts, direct);
    }

    static int[] randomCuts(final Random random, final int length)
    {
        final int count = random.nextInt(Math.max(1, Math.min(length, 12)));
        final int[] cuts = random.ints(count, 0, length + 1).sorted().toArray();
        return cuts;
    }

    /**
     * Everything a parse produced, in one line: equal descriptions mean equal parses.
     */
    static String describe(final RequestHead head)
    {
        final StringBuilder text = new StringBuilder()
            .append(head.methodName()).append(' ').append(head.method())
            .append(" target=").append(head.target()).append(' ').append(head.targetForm())
            .append(" path=").append(head.path())
            .append(" query=").append(head.queryOffset() < 0 ? "none" : text(head, head.queryOffset(), head.queryLength()))
            .append(' ').append(head.version())
            .append(" host=").append(head.host())
            .append(' ').append(head.bodyFraming()).append('=').append(head.contentLength())
            .append(" keepAlive=").append(head.keepAlive())
            .append(" expectContinue=").append(head.expectContinue())
            .append(" length=").append(head.length())
            .append(" fields=[");
        for (int i = 0; i < head.headerCount(); i++)
        {
            text.append(head.headerName(i)).append(':').append(head.headerValue(i)).append('|');
        }
        return text.append(']').toString();
    }

    private static String text(final RequestHead head, final int offset, final int length)
    {
        return new String(head.buffer(), offset, length, StandardCharsets.ISO_8859_1);
    }

    static void assertNoPeerBytes(final HttpException ex, final String canary)
    {
        assertFalse(ex.reason().contains(canary), () -> "reason echoes the peer: " + ex.reason());
        assertFalse(ex.getMessage().contains(canary), () -> "message echoes the peer: " + ex.getMessage());
        assertTrue(ex.status() >= 400 && ex.status() <= 505, () -> "status=" + ex.status());
    }

    /**
     * A clock moved by hand.
     */
    static final class ManualClock implements InstantSource
    {
        long millis;

        ManualClock(final long millis)
        {
            this.millis = millis;
        }

        @Override
        public Instant instant()
        {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis()
        {
            return millis;
        }
    }
}
