package io.switchboard.tests.cluster;

import io.switchboard.rpc.Remote;

import java.util.concurrent.CompletableFuture;

/**
 * The client's twins of the services the tests' workers deploy as application {@code test}
 * ({@code io.switchboard.tests.rpc.TestRpcApplication}): the same service names, methods and argument counts.
 */
final class TestApp
{
    static final String APPLICATION = "test";

    private TestApp()
    {
    }

    /** Service {@code probe}. */
    @Remote
    interface Probe
    {
        long pid();

        int sleepsStarted();
    }

    /** Service {@code slow}, its calls returning at once. */
    @Remote
    interface SlowAsync
    {
        /**
         * @return true once a file exists at {@code path} (false after 60 s): a gate the test opens.
         */
        CompletableFuture<Boolean> awaitFile(String path);
    }
}
