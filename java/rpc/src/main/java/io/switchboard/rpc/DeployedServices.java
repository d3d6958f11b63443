package io.switchboard.rpc;

import io.switchboard.rpc.codec.RemoteInterface;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services one application deployed: what a worker-side session's registry (object id 0) looks names up in.
 * Deploy once, then share the instance among all the application's sessions; thread-safe.
 * <pre>{@code
 * DeployedServices services = DeployedServices.load("echo", applicationClassLoader);
 * RpcSession session = RpcSession.builder(sink).services(services)...build();
 * }</pre>
 */
public final class DeployedServices implements ServiceRegistry
{
    private static final DeployedServices NONE = new DeployedServices("(none)");

    private final String application;
    private final Map<String, Definition> definitions = new ConcurrentHashMap<>();

    public DeployedServices(final String application)
    {
        this.application = application;
    }

    /**
     * @return no services: a client session's registry, which has no methods.
     */
    public static DeployedServices none()
    {
        return NONE;
    }

    /**
     * Deploys an application found by name among the {@link RpcApplication}s {@link ServiceLoader} finds.
     *
     * @throws IllegalArgumentException when none has that name, naming those found.
     */
    public static DeployedServices load(final String application, final ClassLoader loader)
    {
        final List<String> found = new ArrayList<>();
        for (final RpcApplication candidate : ServiceLoader.load(RpcApplication.class, loader))
        {
            if (candidate.name().equals(application))
            {
                return deploy(candidate);
            }
            found.add(candidate.name());
        }
        throw new IllegalArgumentException("no RPC application named '" + application + "' on the class path; found " +
            found);
    }

    /**
     * @return the services {@code application} deploys.
     */
    public static DeployedServices deploy(final RpcApplication application)
    {
        final DeployedServices services = new DeployedServices(application.name());
        application.deploy(services);
        return services;
    }

    public String application()
    {
        return application;
    }

    /**
     * @return the deployed names, sorted.
     */
    public Set<String> names()
    {
        return new TreeMap<>(definitions).keySet();
    }

    @Override
    public <T> void deploy(
        final String name, final Class<T> iface, final ServiceFactory<? extends T> factory,
        final ServiceOption... options)
    {
        if (this == NONE)
        {
            throw new UnsupportedOperationException("the empty registry takes no services");
        }
        if (name == null || name.isEmpty() || factory == null)
        {
            throw new IllegalArgumentException("service name=" + name + ", factory=" + factory + ": both required");
        }
        final RemoteInterface remote = RemoteInterface.of(iface);
        final Set<ServiceOption> set = EnumSet.noneOf(ServiceOption.class);
        set.addAll(List.of(options));
        final Definition definition = new Definition(name, remote, factory, set);
        if (definitions.putIfAbsent(name, definition) != null)
        {
            throw new IllegalArgumentException("service '" + name + "' already deployed in application '" +
                application + "'");
        }
    }

    Definition find(final String name)
    {
        return definitions.get(name);
    }

    /**
     * One deployed service.
     */
    record Definition(String name, RemoteInterface remote, ServiceFactory<?> factory, Set<ServiceOption> options)
    {
        boolean has(final ServiceOption option)
        {
            return options.contains(option);
        }
    }
}
