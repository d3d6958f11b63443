package io.switchboard.rpc;

/**
 * Where an application deploys the services its sessions can look up by name (the registry, object id 0).
 */
public interface ServiceRegistry
{
    /**
     * Deploys a service: each lookup of {@code name} in a session gets a new object made by {@code factory},
     * unless {@link ServiceOption#SHARED}.
     *
     * @param iface a {@link Remote} interface without overloaded method names; checked here.
     * @throws IllegalArgumentException for a bad interface or a name already deployed.
     */
    <T> void deploy(String name, Class<T> iface, ServiceFactory<? extends T> factory, ServiceOption... options);
}
