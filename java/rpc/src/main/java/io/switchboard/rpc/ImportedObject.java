package io.switchboard.rpc;

import java.util.concurrent.ConcurrentHashMap;

/**
 * An object of the peer's that this side holds a reference to, with the proxies made for it (one per interface it
 * was received as). Released once: then its proxies fail every call locally.
 */
final class ImportedObject
{
    private final long id;
    private final ConcurrentHashMap<Class<?>, Object> proxies = new ConcurrentHashMap<>(2);
    private volatile boolean released;

    ImportedObject(final long id)
    {
        this.id = id;
    }

    long id()
    {
        return id;
    }

    boolean isReleased()
    {
        return released;
    }

    void markReleased()
    {
        released = true;
    }

    Object proxy(final Class<?> type, final java.util.function.Function<Class<?>, Object> factory)
    {
        return proxies.computeIfAbsent(type, factory);
    }
}
