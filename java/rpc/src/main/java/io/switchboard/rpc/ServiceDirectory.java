package io.switchboard.rpc;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker session's registry object: a lookup makes the service's object for this session (or finds the shared
 * one) and exports it with the service's options; the answer then carries its reference.
 */
final class ServiceDirectory implements Registry
{
    private final ObjectTable objects;
    private final SessionContext context;
    private final DeployedServices services;
    private final ConcurrentHashMap<String, ExportedObject> shared = new ConcurrentHashMap<>();

    ServiceDirectory(final ObjectTable objects, final SessionContext context, final DeployedServices services)
    {
        this.objects = objects;
        this.context = context;
        this.services = services;
    }

    @Override
    public Object lookup(final String name)
    {
        final DeployedServices.Definition definition = name == null ? null : services.find(name);
        if (definition == null)
        {
            throw new UnknownServiceException("no service '" + name + "' in application '" + services.application() +
                "'; deployed: " + services.names());
        }
        if (definition.has(ServiceOption.SHARED))
        {
            synchronized (shared)
            {
                final ExportedObject existing = shared.get(name);
                if (existing != null && !existing.isClosed())
                {
                    return existing.target();
                }
                final ExportedObject exported = objects.exportService(definition, create(definition));
                shared.put(name, exported);
                return exported.target();
            }
        }
        return objects.exportService(definition, create(definition)).target();
    }

    private Object create(final DeployedServices.Definition definition)
    {
        final Object object;
        try
        {
            object = definition.factory().create(context);
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("factory of service '" + definition.name() + "' failed: " + ex, ex);
        }
        if (object == null || !definition.remote().isImplementedBy(object))
        {
            throw new IllegalStateException("factory of service '" + definition.name() + "' made " + object +
                ", not a " + definition.remote());
        }
        return object;
    }
}
