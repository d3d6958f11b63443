package io.switchboard.cm.http;

import io.switchboard.testsupport.fuzz.FuzzTarget;
import io.switchboard.testsupport.fuzz.Splits;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

import static io.switchboard.cm.http.FuzzCheck.equal;
import static io.switchboard.cm.http.FuzzCheck.that;

/**
 * Fuzzes {@link ChunkedDecoder} alone on chunked bodies, revealed in random
 * pieces and drained with random data limits. The contract:
 * <ul>
 *   <li>only {@link HttpException} with a documented status is thrown;</li>
 *   <li>every call makes progress, hands out at most the limit, and only ranges of what it was given;</li>
 *   <li>a finished body is right: walking the bytes it consumed by the chunk sizes alone (an independent,
 *       lenient reading) gives the data it handed out, and {@link ChunkedDecoder#bodyLength()} counts it;</li>
 *   <li>nothing is left behind: the same decoder, reset, decodes a valid body.</li>
 * </ul>
 */
public final class ChunkedBodyFuzzTarget implements FuzzTarget
{
    private static final byte[] CANARY = HttpFuzzCorpus.bytes("3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n");

    private final HttpLimits limits;
    private final ChunkedDecoder decoder;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    public ChunkedBodyFuzzTarget(final HttpLimits limits)
    {
        this.limits = limits;
        this.decoder = new ChunkedDecoder(limits);
    }

    public String name()
    {
        return "http-chunked-body";
    }

    public String run(final byte[] input, final Random random)
    {
        decoder.reset();
        final String outcome = decode(input, random.nextBoolean(), Splits.random(random, input.length), random);
        decoder.reset();
        final String canary = decode(CANARY, false, new int[0], null);
        equal("done", canary, "a reset decoder on a valid body");
        equal("abc", data.toString(java.nio.charset.StandardCharsets.ISO_8859_1), "a reset decoder's data");
        return outcome;
    }

    private String decode(final byte[] input, final boolean direct, final int[] cuts, final Random random)
    {
        data.reset();
        final ByteBuffer buffer = HttpTestSupport.buffer(input, direct);
        for (int c = 0; c <= cuts.length; c++)
        {
            final int limit = c < cuts.length ? cuts[c] : input.length;
            buffer.limit(limit);
            while (buffer.hasRemaining() && !decoder.isDone())
            {
                final int before = buffer.position();
                final int maxDataLength = random == null ? 64 : 1 + random.nextInt(random.nextBoolean() ? 8 : 4096);
                final int delivered;
                try
                {
                    delivered = decoder.decode(buffer, maxDataLength, (source, index, length) ->
                    {
                        that(length > 0 && index >= before && index + length <= limit,
                            "data range out of bounds: index=" + index + ", length=" + length + ", before=" + before +
                            ", limit=" + limit);
                        data.write(input, index, length);
                    });
                }
                catch (final HttpException ex)
                {
                    that(ex.status() == 400 || ex.status() == 413 || ex.status() == 431,
                        "undocumented status=" + ex.status());
                    that(!ex.reason().isEmpty(), "a refusal without a reason");
                    return HttpFuzzCorpus.refusal(ex);
                }
                that(delivered <= maxDataLength, "delivered=" + delivered + " maxDataLength=" + maxDataLength);
                that(buffer.position() > before, "the decoder made no progress");
                that(decoder.bodyLength() <= limits.maxBodyLength(), "bodyLength=" + decoder.bodyLength());
            }
            if (decoder.isDone())
            {
                break;
            }
        }
        if (!decoder.isDone())
        {
            return "unfinished";
        }
        final byte[] expected = walk(input, buffer.position());
        equal(expected.length, data.size(), "data length against the chunk sizes");
        that(java.util.Arrays.equals(expected, data.toByteArray()), "data differs from the chunks' bytes");
        equal((long)expected.length, decoder.bodyLength(), "bodyLength");
        return buffer.position() < input.length ? "done, bytes after" : "done";
    }

    /**
     * Reads a chunked body by its sizes alone: hex digits, skip to the line's end, that many bytes, CRLF; after
     * the last chunk, lines up to an empty one.
     *
     * @return the data.
     * @throws AssertionError when the consumed bytes are not a chunked body ending exactly at {@code end}.
     */
    private static byte[] walk(final byte[] input, final int end)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        while (true)
        {
            long size = 0;
            int digits = 0;
            int significant = 0;
            while (p < end && Character.digit(input[p], 16) >= 0)
            {
                size = size * 16 + Character.digit(input[p], 16);
                p++;
                digits++;
                // leading zeros are allowed (1*HEXDIG), a value past 2^63 is not
                significant += size != 0 ? 1 : 0;
                that(significant <= 15, "a chunk size of more than 15 significant hex digits accepted");
            }
            that(digits > 0, "a chunk-size line without digits accepted at " + p);
            p = lineEnd(input, p, end);
            if (size == 0)
            {
                break;
            }
            that(p + size + 2 <= end, "chunk data runs past what was consumed");
            out.write(input, p, (int)size);
            p += (int)size;
            that(input[p] == '\r' && input[p + 1] == '\n', "chunk data not followed by CRLF at " + p);
            p += 2;
        }
        while (true)
        {
            final int start = p;
            p = lineEnd(input, p, end);
            if (p - start == 2)
            {
                break;
            }
        }
        equal(end, p, "the decoder stopped elsewhere than the body's end");
        return out.toByteArray();
    }

    private static int lineEnd(final byte[] input, final int from, final int end)
    {
        for (int i = from; i + 1 < end; i++)
        {
            if (input[i] == '\r' && input[i + 1] == '\n')
            {
                return i + 2;
            }
            that(input[i] != '\n' && input[i] != '\r', "bare CR or LF accepted at " + i);
        }
        throw new AssertionError("a line without its CRLF accepted, from " + from);
    }
}
