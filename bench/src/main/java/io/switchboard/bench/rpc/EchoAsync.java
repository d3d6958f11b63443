package io.switchboard.bench.rpc;

import io.switchboard.rpc.Remote;

import java.util.concurrent.CompletableFuture;

/**
 * The demo's {@code Echo} seen asynchronously: the same service, looked up with this interface, answers into a
 * future instead of the calling thread.
 */
@Remote
public interface EchoAsync
{
    CompletableFuture<byte[]> echo(byte[] data);
}
