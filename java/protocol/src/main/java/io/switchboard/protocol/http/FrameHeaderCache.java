package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * The header fields a reader made from frames, kept as {@link FrameStringCache} keeps Strings, so that a field
 * sent again (the same name and value) is read as the same {@link HttpHeader}, its name and value the same
 * Strings: no allocation, and a consumer that builds something of its own from a field (a container's field
 * object) can keep that too, keyed by the field's identity.
 * <p>
 * Direct-mapped on a hash of the name and the value's bytes; values longer than {@code maxLength} are not kept.
 * Not thread-safe: one per reading thread.
 */
final class FrameHeaderCache
{
    private final HttpHeader[] headers;
    private final int mask;
    private final int maxLength;

    /**
     * @param slots     a power of two, or 0 for a cache that keeps nothing.
     * @param maxLength the longest value kept.
     */
    FrameHeaderCache(final int slots, final int maxLength)
    {
        if (slots < 0 || (slots & (slots - 1)) != 0)
        {
            throw new IllegalArgumentException("slots=" + slots + ": a power of two or 0");
        }
        this.headers = new HttpHeader[slots];
        this.mask = slots - 1;
        this.maxLength = maxLength;
    }

    /**
     * @param name the field's name, already read.
     * @return the field of {@code name} whose value is the {@code length} bytes from {@code at}: the one kept, or a
     * new one.
     */
    HttpHeader get(final String name, final SharedBuffer buffer, final long at, final int length)
    {
        if (headers.length == 0 || length > maxLength)
        {
            return new HttpHeader(name, FrameBytes.newString(buffer, at, length));
        }
        final int slot = (31 * name.hashCode() + FrameBytes.hash(buffer, at, length)) & mask;
        final HttpHeader kept = headers[slot];
        if (kept != null && kept.name().equals(name) && kept.value().length() == length &&
            FrameBytes.spells(buffer, at, kept.value()))
        {
            return kept;
        }
        final HttpHeader made = new HttpHeader(name, FrameBytes.newString(buffer, at, length));
        headers[slot] = made;
        return made;
    }
}
