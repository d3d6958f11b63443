package io.switchboard.protocol.http;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * The header fields a reader made, kept so that a field sent again (the same name and value) is read as the same
 * {@link HttpHeader}: no allocation, and a consumer that builds something of its own from a field (a container's
 * field object) can keep that too, keyed by the field's identity.
 * <p>
 * It keys on the identity of the name and value Strings, which the reader takes from its {@link FrameStringCache}
 * (a value read again is the same String while that cache holds it), so the bytes are hashed and compared once,
 * there. Direct-mapped on the two Strings' hashes (cached in each String); values longer than {@code maxLength}
 * are not kept. Not thread-safe: one per reading thread.
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
        this.headers = new HttpHeader[FrameStringCache.checkSlots(slots)];
        this.mask = slots - 1;
        this.maxLength = maxLength;
    }

    /**
     * @return the field of {@code name} and {@code value}: the one kept for these two Strings, or a new one.
     */
    HttpHeader get(final String name, final String value)
    {
        if (headers.length == 0 || value.length() > maxLength)
        {
            return new HttpHeader(name, value);
        }
        final int slot = (31 * name.hashCode() + value.hashCode()) & mask;
        final HttpHeader kept = headers[slot];
        if (kept != null && kept.name() == name && kept.value() == value)
        {
            return kept;
        }
        final HttpHeader made = new HttpHeader(name, value);
        headers[slot] = made;
        return made;
    }
}
