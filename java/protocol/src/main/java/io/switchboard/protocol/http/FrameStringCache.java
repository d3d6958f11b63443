package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;

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
     * @return the {@code length} bytes from {@code at} as a String: the one kept for them, or a new one.
     */
    String get(final SharedBuffer buffer, final long at, final int length)
    {
        if (strings.length == 0 || length > maxLength)
        {
            return FrameBytes.newString(buffer, at, length);
        }
        final int slot = FrameBytes.hash(buffer, at, length) & mask;
        final String kept = strings[slot];
        if (kept != null && kept.length() == length && FrameBytes.spells(buffer, at, kept))
        {
            return kept;
        }
        final String made = FrameBytes.newString(buffer, at, length);
        strings[slot] = made;
        return made;
    }
}
