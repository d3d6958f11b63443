package io.switchboard.protocol.http;

/**
 * The peer and client addresses a reader made, kept as {@link FrameStringCache} keeps Strings: every request
 * carries two, and a connection's requests (a client's, a proxy's) carry the same ones again, so that a
 * {@link RemoteAddress} each per request was allocation for nothing (the record compares by value; reusing one is
 * invisible). Direct-mapped on the address and port; not thread-safe: one per reading thread.
 */
final class RemoteAddressCache
{
    private final RemoteAddress[] addresses;
    private final int mask;

    /**
     * @param slots a power of two, or 0 for a cache that keeps nothing.
     */
    RemoteAddressCache(final int slots)
    {
        this.addresses = new RemoteAddress[FrameStringCache.checkSlots(slots)];
        this.mask = slots - 1;
    }

    /**
     * @return the address of these fields: the one kept, or a new one.
     */
    RemoteAddress get(final int family, final long high, final long low, final int port)
    {
        if (addresses.length == 0)
        {
            return new RemoteAddress(family, high, low, port);
        }
        long hash = (high * 31 + low) * 31 + port;
        hash ^= hash >>> 32;
        final int slot = ((int)hash ^ ((int)hash >>> 16)) & mask;
        final RemoteAddress kept = addresses[slot];
        if (kept != null && kept.port() == port && kept.low() == low && kept.high() == high && kept.family() == family)
        {
            return kept;
        }
        final RemoteAddress made = new RemoteAddress(family, high, low, port);
        addresses[slot] = made;
        return made;
    }
}
