package io.switchboard.ipc.segment;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Names of segments: {@code /switchboard-<cm pid>-<64 random bits>}. The random
 * part makes the name unguessable to other local users; the pid lets the
 * janitor recognise a half-created segment of a dead CM.
 */
public final class SegmentNames
{
    /** Prefix of every segment name, as listed in {@code /dev/shm} (without the slash). */
    public static final String PREFIX = "switchboard-";

    private static final SecureRandom RANDOM = new SecureRandom();

    private SegmentNames()
    {
    }

    /**
     * @return a fresh name for a segment created by process {@code pid}.
     */
    public static String newName(final int pid)
    {
        final byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return "/" + PREFIX + pid + "-" + HexFormat.of().formatHex(bytes);
    }

    /**
     * @return the creator's pid encoded in a segment name, or -1 if the name is not one of ours.
     */
    public static int creatorPid(final String name)
    {
        final String bare = name.startsWith("/") ? name.substring(1) : name;
        if (!bare.startsWith(PREFIX))
        {
            return -1;
        }

        final int dash = bare.indexOf('-', PREFIX.length());
        if (dash < 0)
        {
            return -1;
        }

        try
        {
            return Integer.parseInt(bare, PREFIX.length(), dash, 10);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
