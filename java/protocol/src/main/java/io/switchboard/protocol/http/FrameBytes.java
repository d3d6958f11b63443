package io.switchboard.protocol.http;

import java.nio.charset.StandardCharsets;

/**
 * ISO-8859-1 text of a frame, copied out of the frame once into the reader's scratch array: what the caches of
 * {@link HeadReader} need to tell, without making a String, whether bytes spell one they already hold. Hashing and
 * comparing a copy beats reading the shared memory byte by byte, each read bounds-checked, twice.
 */
final class FrameBytes
{
    private FrameBytes()
    {
    }

    /**
     * @return a hash of the first {@code length} bytes; equal bytes, equal hashes.
     */
    static int hash(final byte[] bytes, final int length)
    {
        int hash = length;
        for (int i = 0; i < length; i++)
        {
            hash = 31 * hash + bytes[i];
        }
        return hash ^ (hash >>> 16);
    }

    /**
     * @return whether the first {@code length} bytes are exactly {@code text}'s characters.
     */
    static boolean spells(final byte[] bytes, final int length, final String text)
    {
        if (text.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if ((bytes[i] & 0xFF) != text.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return a new String of the first {@code length} bytes.
     */
    static String newString(final byte[] bytes, final int length)
    {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
