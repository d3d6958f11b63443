package io.switchboard.client;

import io.switchboard.rpc.DeployedServices;
import io.switchboard.rpc.Remote;
import io.switchboard.rpc.ServiceOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the client tests call.
 */
final class ClientApi
{
    private ClientApi()
    {
    }

    @Remote
    public interface Echo
    {
        byte[] echo(byte[] bytes);

        String text(String text);

        /**
         * Blocks until the latch opens (or 10 s).
         */
        boolean hold();
    }

    @Remote
    public interface EchoAsync
    {
        CompletableFuture<byte[]> echo(byte[] bytes);

        CompletableFuture<String> text(String text);
    }

    @Remote
    public interface Listener
    {
        void onEvent(String event);
    }

    @Remote
    public interface Publisher
    {
        int publish(Listener listener, int events);
    }

    static final CountDownLatch HOLD = new CountDownLatch(1);
    static final CountDownLatch HELD = new CountDownLatch(1);

    static DeployedServices services()
    {
        final DeployedServices services = new DeployedServices("test-app");
        services.deploy("echo", Echo.class, c -> new Echo()
        {
            @Override
            public byte[] echo(final byte[] bytes)
            {
                return bytes;
            }

            @Override
            public String text(final String text)
            {
                return text;
            }

            @Override
            public boolean hold()
            {
                HELD.countDown();
                try
                {
                    return HOLD.await(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    return false;
                }
            }
        }, ServiceOption.CONCURRENT);
        services.deploy("publisher", Publisher.class, c -> (listener, events) ->
        {
            for (int i = 0; i < events; i++)
            {
                listener.onEvent("e" + i);
            }
            return events;
        });
        return services;
    }
}
