package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.charset.StandardCharsets;

/**
 * ISO-8859-1 text in a frame, looked at in place (absolute reads): what the
 * caches of {@link HeadReader} need to tell, without making a String, whether bytes spell one they already hold.
 */
final class FrameBytes
{
    private FrameBytes()
    {
    }

    /**
     * @return a hash of {@code length} bytes from {@code at}; equal bytes, equal hashes.
     */
    static int hash(final SharedBuffer buffer, final long at, final int length)
    {
        int hash = length;
        for (int i = 0; i < length; i++)
        {
            hash = 31 * hash + buffer.getByte(at + i);
        }
        return hash ^ (hash >>> 16);
    }

    /**
     * @return whether the {@code text.length()} bytes from {@code at} are exactly {@code text}'s characters.
     */
    static boolean spells(final SharedBuffer buffer, final long at, final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if ((buffer.getByte(at + i) & 0xFF) != text.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return a new String of {@code length} bytes from {@code at}.
     */
    static String newString(final SharedBuffer buffer, final long at, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(at, bytes, 0, length);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
