package io.switchboard.testsupport.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Byte-level mutations of valid inputs, steered by what the format under test
 * cares about: {@code interesting} bytes (delimiters, controls, the edges of
 * character classes) and {@code tokens} (whole fields, framing lines, numbers
 * at their limits). Each call applies one to {@value #MAX_MUTATIONS} of:
 * <ul>
 *   <li>a byte overwritten with an interesting byte, a random byte, or one bit flipped;</li>
 *   <li>an interesting byte or a token inserted;</li>
 *   <li>a short range deleted, or everything after a point (truncation);</li>
 *   <li>a range of the input copied elsewhere in it;</li>
 *   <li>a huge value: a run of one byte (digits make numbers overflow, letters make fields too long), or a
 *       range repeated many times (a header line a thousand times).</li>
 * </ul>
 * Format-agnostic: an RPC frame decoder gets its own interesting bytes and tokens.
 * Inputs never grow past {@code maxLength}.
 */
public final class Mutator
{
    public static final int MAX_MUTATIONS = 4;

    private static final int KINDS = 11;

    private final byte[] interesting;
    private final byte[][] tokens;
    private final int maxLength;

    /**
     * @param interesting bytes worth putting anywhere (not empty).
     * @param tokens      byte strings worth splicing in (may be empty).
     * @param maxLength   the longest input a mutation may produce.
     */
    public Mutator(final byte[] interesting, final List<byte[]> tokens, final int maxLength)
    {
        if (interesting.length == 0 || maxLength < 1)
        {
            throw new IllegalArgumentException(
                "interesting.length=" + interesting.length + " maxLength=" + maxLength);
        }
        this.interesting = interesting.clone();
        this.tokens = tokens.toArray(new byte[0][]);
        this.maxLength = maxLength;
    }

    /**
     * @return ISO-8859-1 bytes of each string: for token lists written as text.
     */
    public static List<byte[]> latin1(final String... texts)
    {
        return Arrays.stream(texts).map(text -> text.getBytes(StandardCharsets.ISO_8859_1)).toList();
    }

    /**
     * @return a mutated copy; the original is left alone.
     */
    public byte[] mutate(final Random random, final byte[] original)
    {
        byte[] bytes = original.clone();
        final int mutations = 1 + random.nextInt(MAX_MUTATIONS);
        for (int m = 0; m < mutations; m++)
        {
            bytes = mutateOnce(random, bytes);
        }
        return bytes;
    }

    private byte[] mutateOnce(final Random random, final byte[] bytes)
    {
        final int at = random.nextInt(bytes.length + 1);
        final boolean inside = at < bytes.length;
        switch (random.nextInt(KINDS))
        {
            case 0 ->
            {
                if (inside)
                {
                    bytes[at] = interesting[random.nextInt(interesting.length)];
                }
                return bytes;
            }
            case 1 ->
            {
                if (inside)
                {
                    bytes[at] = (byte)random.nextInt(256);
                }
                return bytes;
            }
            case 2 ->
            {
                if (inside)
                {
                    bytes[at] ^= (byte)(1 << random.nextInt(8));
                }
                return bytes;
            }
            case 3 ->
            {
                return insert(bytes, at, new byte[]{ interesting[random.nextInt(interesting.length)] });
            }
            case 4 ->
            {
                if (!inside)
                {
                    return bytes;
                }
                final int length = Math.min(bytes.length - at, 1 + random.nextInt(4));
                final byte[] shorter = new byte[bytes.length - length];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + length, shorter, at, bytes.length - at - length);
                return shorter;
            }
            case 5 ->
            {
                return tokens.length == 0 ? bytes : insert(bytes, at, tokens[random.nextInt(tokens.length)]);
            }
            case 6 ->
            {
                return Arrays.copyOf(bytes, at);
            }
            case 7 ->
            {
                if (bytes.length == 0)
                {
                    return bytes;
                }
                final int from = random.nextInt(bytes.length);
                final int length = Math.min(bytes.length - from, 1 + random.nextInt(40));
                return insert(bytes, at, Arrays.copyOfRange(bytes, from, from + length));
            }
            case 8 ->
            {
                // a huge number, or a huge field: one byte many times
                final byte fill = random.nextBoolean() ? (byte)('0' + random.nextInt(10)) :
                    bytes.length > 0 ? bytes[random.nextInt(bytes.length)] : interesting[0];
                final byte[] run = new byte[hugeLength(random)];
                Arrays.fill(run, fill);
                return insert(bytes, at, run);
            }
            case 9 ->
            {
                // many of the same field: a range repeated
                if (bytes.length == 0)
                {
                    return bytes;
                }
                final int from = random.nextInt(bytes.length);
                final int length = Math.min(bytes.length - from, 1 + random.nextInt(40));
                final int times = 2 + random.nextInt(hugeLength(random) / length + 1);
                final byte[] run = new byte[Math.min(length * times, maxLength)];
                for (int i = 0; i < run.length; i++)
                {
                    run[i] = bytes[from + i % length];
                }
                return insert(bytes, at, run);
            }
            default ->
            {
                // swap two bytes: reorders delimiters
                if (bytes.length >= 2)
                {
                    final int other = random.nextInt(bytes.length);
                    final int here = Math.min(at, bytes.length - 1);
                    final byte b = bytes[here];
                    bytes[here] = bytes[other];
                    bytes[other] = b;
                }
                return bytes;
            }
        }
    }

    /**
     * @return 16 to 64 Ki, skewed small: most huge values are just past a limit, a few far past it.
     */
    private static int hugeLength(final Random random)
    {
        return 16 << random.nextInt(13);
    }

    private byte[] insert(final byte[] bytes, final int at, final byte[] inserted)
    {
        final int length = Math.min(inserted.length, maxLength - bytes.length);
        if (length <= 0)
        {
            return bytes;
        }
        final byte[] longer = new byte[bytes.length + length];
        System.arraycopy(bytes, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, length);
        System.arraycopy(bytes, at, longer, at + length, bytes.length - at);
        return longer;
    }
}
