package io.switchboard.rpc;

/**
 * An application deployed on workers for distributed sessions, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.switchboard.rpc.RpcApplication}). A client names it in its HELLO.
 * <pre>{@code
 * public final class EchoApplication implements RpcApplication
 * {
 *     public String name() { return "echo"; }
 *
 *     public void deploy(ServiceRegistry services)
 *     {
 *         services.deploy("echo", Echo.class, context -> new EchoService());
 *     }
 * }
 * }</pre>
 */
public interface RpcApplication
{
    /**
     * @return the name clients connect to.
     */
    String name();

    /**
     * Called once when the worker loads the application, before any session.
     */
    void deploy(ServiceRegistry services);
}
