package io.switchboard.rpc;

import io.switchboard.rpc.codec.ObjectReferences;
import io.switchboard.rpc.codec.RemoteInterface;
import io.switchboard.rpc.codec.RemoteRef;
import java.lang.reflect.Proxy;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The objects of a session, both ways: this side's exported objects the peer may call (by id, and by target so that
 * an object exported twice keeps its id), with the registry as object 0; and the peer's objects this side holds
 * references to, with their proxies. Payloads refer to objects through {@link #references()}: a proxy travels as a
 * reference to the peer's object, anything else {@link Remote} is exported and travels as a reference to it.
 * <p>
 * Thread-safe. Calls look their target up with {@link #exported} under no lock (a {@link LongHashTable}); exports
 * and releases take the table's lock.
 */
final class ObjectTable
{
    private final RpcSession session;
    private final AtomicBoolean closed;
    private final Executor executor;
    private final ExportedObject.ErrorReporter errors;
    private final long defaultDeadlineMs;
    private final ObjectReferences references = new References();

    private final Object exportLock = new Object();
    private final ExportedObject registry;
    private final LongHashTable<ExportedObject> exported = new LongHashTable<>(16);
    private final Map<Object, ExportedObject> exportedByTarget = new IdentityHashMap<>();
    private long nextObjectId = 1;

    private final ImportedObject peerRegistry = new ImportedObject(0);
    private final LongHashTable<ImportedObject> imported = new LongHashTable<>(16);

    ObjectTable(
        final RpcSession session,
        final AtomicBoolean closed,
        final DeployedServices services,
        final Executor executor,
        final ExportedObject.ErrorReporter errors,
        final long defaultDeadlineMs)
    {
        this.session = session;
        this.closed = closed;
        this.executor = executor;
        this.errors = errors;
        this.defaultDeadlineMs = defaultDeadlineMs;
        if (services == DeployedServices.none())
        {
            final Registry.Empty empty = new Registry.Empty()
            {
            };
            this.registry = new ExportedObject(0, empty, RemoteInterface.of(Registry.Empty.class), true, false, executor);
        }
        else
        {
            this.registry = new ExportedObject(0, new ServiceDirectory(this, session.context(), services),
                RemoteInterface.of(Registry.class), true, false, executor);
        }
    }

    ObjectReferences references()
    {
        return references;
    }

    ImportedObject peerRegistry()
    {
        return peerRegistry;
    }

    /**
     * @return objects of this side the peer may call, the registry not counted.
     */
    int exportedCount()
    {
        return exported.size();
    }

    /**
     * @return the object a CALL names, or null when there is none such (never exported, or released).
     */
    ExportedObject exported(final long objectId)
    {
        if (objectId == 0)
        {
            return registry;
        }
        return exported.get(objectId);
    }

    ExportedObject exportService(final DeployedServices.Definition definition, final Object target)
    {
        return export(target, definition.remote(), definition.has(ServiceOption.CONCURRENT),
            definition.has(ServiceOption.NON_BLOCKING));
    }

    /**
     * Exports {@code target}, or finds its export: an object exported twice keeps its first id.
     */
    ExportedObject export(final Object target, final RemoteInterface remote, final boolean concurrent,
        final boolean nonBlocking)
    {
        Objects.requireNonNull(target, "target");
        synchronized (exportLock)
        {
            final ExportedObject existing = exportedByTarget.get(target);
            if (existing != null)
            {
                return existing;
            }
            if (closed.get())
            {
                throw new SessionLostException("SESSION_LOST: cannot export " + remote + ": " + session + " ended: " +
                    session.closeReason());
            }
            final ExportedObject object = new ExportedObject(
                nextObjectId++, target, remote, concurrent, nonBlocking, executor);
            exported.putIfAbsentBelow(object.id(), object, Integer.MAX_VALUE);
            exportedByTarget.put(target, object);
            return object;
        }
    }

    /**
     * The peer released one of this side's objects: it is forgotten and its close hook runs. The registry stays.
     */
    void onRelease(final long objectId)
    {
        if (objectId == 0)
        {
            return;
        }
        final ExportedObject object;
        synchronized (exportLock)
        {
            object = exported.remove(objectId);
            if (object != null)
            {
                exportedByTarget.remove(object.target());
            }
        }
        if (object != null)
        {
            object.close(errors);
        }
    }

    /**
     * Marks a proxy's object released, once.
     *
     * @return the id to send RELEASE for, or -1 when there is nothing to send (the registry, or released before).
     */
    long release(final Object proxy)
    {
        final ImportedObject object = ownHandler(proxy).imported();
        if (object.id() == 0)
        {
            return -1;
        }
        synchronized (imported)
        {
            if (object.isReleased())
            {
                return -1;
            }
            object.markReleased();
            if (imported.get(object.id()) == object)
            {
                imported.remove(object.id());
            }
        }
        return object.id();
    }

    /**
     * @return the handler behind a proxy of this session.
     * @throws IllegalArgumentException when {@code proxy} is not one.
     */
    RemoteObjectHandler ownHandler(final Object proxy)
    {
        final RemoteObjectHandler handler = RemoteObjectHandler.of(proxy);
        if (handler == null || handler.session() != session)
        {
            throw new IllegalArgumentException(proxy + " is not a proxy of " + session);
        }
        return handler;
    }

    /**
     * @return the proxy of the peer's object {@code objectId} as {@code type}, one per object and type.
     */
    Object proxyFor(final long objectId, final Class<?> type)
    {
        final ImportedObject object;
        if (objectId == 0)
        {
            object = peerRegistry;
        }
        else
        {
            synchronized (imported)
            {
                final ImportedObject known = imported.get(objectId);
                if (known != null)
                {
                    object = known;
                }
                else
                {
                    object = new ImportedObject(objectId);
                    imported.putIfAbsentBelow(objectId, object, Integer.MAX_VALUE);
                }
            }
        }
        final RemoteInterface remote = RemoteInterface.of(type);
        final OutgoingCalls calls = session.outgoingCalls();
        return object.proxy(type, t -> Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t},
            new RemoteObjectHandler(session, calls, object, remote, defaultDeadlineMs)));
    }

    /**
     * The session ended: every exported object is closed (its close hook runs), every proxy's object released.
     */
    void closeAll()
    {
        final List<ExportedObject> objects;
        synchronized (exportLock)
        {
            objects = exported.drain();
            exportedByTarget.clear();
        }
        for (final ExportedObject object : objects)
        {
            object.close(errors);
        }
        synchronized (imported)
        {
            for (final ImportedObject object : imported.drain())
            {
                object.markReleased();
            }
        }
    }

    /**
     * How payloads of this session refer to objects.
     */
    private final class References implements ObjectReferences
    {
        @Override
        public RemoteRef refFor(final Object value)
        {
            final RemoteObjectHandler handler = RemoteObjectHandler.of(value);
            if (handler != null)
            {
                if (handler.session() != session)
                {
                    throw new IllegalArgumentException("a proxy of " + handler.session() + " cannot travel in " +
                        session);
                }
                if (handler.imported().isReleased())
                {
                    throw new IllegalArgumentException("object " + handler.imported().id() + " was released");
                }
                return new RemoteRef(RemoteRef.RECEIVER, handler.imported().id());
            }
            final ExportedObject object = export(value, RemoteInterface.ofImplementation(value.getClass()),
                false, false);
            return new RemoteRef(RemoteRef.SENDER, object.id());
        }

        @Override
        public Object resolve(final RemoteRef ref, final Class<?> type)
        {
            if (ref.owner() == RemoteRef.SENDER)
            {
                return proxyFor(ref.id(), type);
            }
            final ExportedObject object = exported(ref.id());
            if (object == null)
            {
                throw new IllegalArgumentException("a reference to object " + ref.id() + " of this side, which has " +
                    "none such (never exported, or released)");
            }
            if (!type.isInstance(object.target()))
            {
                throw new IllegalArgumentException("object " + ref.id() + " of this side is not a " + type.getName());
            }
            return object.target();
        }
    }
}
