package io.switchboard.worker.runtime;

import io.switchboard.rpc.DeployedServices;
import io.switchboard.rpc.RpcApplication;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The applications this worker hosts for distributed sessions: every
 * {@link RpcApplication} found by {@link ServiceLoader} whose name is wanted,
 * each deployed once, at start, into the services its sessions look up.
 */
final class RpcApplications
{
    private RpcApplications()
    {
    }

    /**
     * @param wanted names to host; empty for all found. A wanted name without an RPC side is not an error
     *               here: it may be an HTTP application only.
     * @throws IllegalArgumentException for two applications of one name, or one whose deployment fails.
     */
    static Map<String, DeployedServices> load(final Set<String> wanted, final ClassLoader loader)
    {
        final Map<String, DeployedServices> deployed = new TreeMap<>();
        for (final RpcApplication application : ServiceLoader.load(RpcApplication.class, loader))
        {
            final String name = application.name();
            if (!wanted.isEmpty() && !wanted.contains(name))
            {
                continue;
            }
            if (deployed.containsKey(name))
            {
                throw new IllegalArgumentException("two RPC applications named " + name + ", one is " +
                    application.getClass().getName());
            }
            try
            {
                deployed.put(name, DeployedServices.deploy(application));
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException("RPC application " + name + " (" + application.getClass().getName() +
                    ") failed to deploy: " + ex.getMessage(), ex);
            }
        }
        return deployed;
    }
}
