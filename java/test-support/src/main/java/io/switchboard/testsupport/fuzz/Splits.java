package io.switchboard.testsupport.fuzz;

import java.util.Random;

/**
 * Where to cut an input into the pieces a decoder receives one read at a time:
 * a decoder must give the same answer however its input is split.
 */
public final class Splits
{
    private static final int[] NONE = new int[0];

    private Splits()
    {
    }

    /**
     * @return up to 12 sorted random cut positions in {@code [0, length]}; sometimes none, sometimes every byte
     * (one read per byte: the worst case for a parser's resumption).
     */
    public static int[] random(final Random random, final int length)
    {
        final int kind = random.nextInt(16);
        if (kind == 0)
        {
            return NONE;
        }
        if (kind == 1 && length <= 4_096)
        {
            return everyByte(length);
        }
        final int count = random.nextInt(Math.max(1, Math.min(length, 12)));
        return random.ints(count, 0, length + 1).sorted().toArray();
    }

    /**
     * @return {@code {at}}: two reads, split at one position (callers loop over every {@code at}).
     */
    public static int[] at(final int at)
    {
        return new int[]{ at };
    }

    /**
     * @return {@code 1, 2, ..., length - 1}: one byte per read.
     */
    public static int[] everyByte(final int length)
    {
        final int[] cuts = new int[Math.max(0, length - 1)];
        for (int i = 0; i < cuts.length; i++)
        {
            cuts[i] = i + 1;
        }
        return cuts;
    }
}
