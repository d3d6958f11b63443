package io.switchboard.rpc;

/**
 * Makes the object a session gets when it looks a service up. If the object is {@link AutoCloseable}, it is closed
 * when the peer releases it and when the session ends.
 */
@FunctionalInterface
public interface ServiceFactory<T>
{
    T create(SessionContext context) throws Exception;
}
