package io.switchboard.protocol.http;

/**
 * The Strings a reader made from frames, kept so that the same bytes in a later frame are read as the same String
 * and nothing is allocated: a worker's requests carry the same application, method, target and most header values
 * again and again (one client's Host, the CM's X-Forwarded-For for a peer), and a String each per request is most
 * of what reading a head would allocate.
 * <p>
 * Direct-mapped, as a CPU cache is: a String's slot is chosen by a hash of its bytes, and a miss replaces what the
 * slot held, so the cache never grows and a value seen once costs no more than it would without it (one String)
 * plus the hash and a compare. Values longer than {@code maxLength} are not kept.
 * <p>
 * Not thread-safe: one per reading thread.
 */
final class FrameStringCache
{
    private final String[] strings;
    private final int mask;
    private final int maxLength;

    /**
     * @param slots     a power of two, or 0 for a cache that keeps nothing (every read makes a String).
     * @param maxLength the longest value kept.
     */
    FrameStringCache(final int slots, final int maxLength)
    {
        this.strings = new String[checkSlots(slots)];
        this.mask = slots - 1;
        this.maxLength = maxLength;
    }

    /**
     * @return {@code slots}, checked to be a power of two or 0, the sizes a direct-mapped cache of the reader takes.
     */
    static int checkSlots(final int slots)
    {
        if (slots < 0 || (slots & (slots - 1)) != 0)
        {
            throw new IllegalArgumentException("slots=" + slots + ": a power of two or 0");
        }
        return slots;
    }

    /**
     * @param bytes the String's bytes, copied out of the frame (the reader's scratch array).
     * @return the first {@code length} bytes as a String: the one kept for them, or a new one.
     */
    String get(final byte[] bytes, final int length)
    {
        if (strings.length == 0 || length > maxLength)
        {
            return FrameBytes.newString(bytes, length);
        }
        final int slot = FrameBytes.hash(bytes, length) & mask;
        final String kept = strings[slot];
        if (kept != null && FrameBytes.spells(bytes, length, kept))
        {
            return kept;
        }
        final String made = FrameBytes.newString(bytes, length);
        strings[slot] = made;
        return made;
    }
}
