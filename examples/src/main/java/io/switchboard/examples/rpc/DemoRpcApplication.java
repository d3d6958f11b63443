package io.switchboard.examples.rpc;

import io.switchboard.rpc.RpcApplication;
import io.switchboard.rpc.ServiceOption;
import io.switchboard.rpc.ServiceRegistry;

/**
 * The demo application's distributed side, {@code demo}: the services a session can look up.
 * <ul>
 *     <li>{@code counter}: a {@link Counter}, a new one per lookup;</li>
 *     <li>{@code echo}: an {@link Echo}, non-blocking, so its calls run on the worker's poller thread;</li>
 *     <li>{@code chat}: a {@link ChatRoom}, one handle per session on the worker's one room.</li>
 * </ul>
 */
public final class DemoRpcApplication implements RpcApplication
{
    private final Rooms rooms = new Rooms();

    public String name()
    {
        return "demo";
    }

    public void deploy(final ServiceRegistry services)
    {
        services.deploy("counter", Counter.class, context -> new CounterService(), ServiceOption.NON_BLOCKING);
        services.deploy("echo", Echo.class, context -> data -> data, ServiceOption.NON_BLOCKING, ServiceOption.CONCURRENT);
        // say() calls every member back and waits: it must run on a handler thread
        services.deploy("chat", ChatRoom.class, context -> new ChatRoomService(rooms), ServiceOption.SHARED);
    }
}
