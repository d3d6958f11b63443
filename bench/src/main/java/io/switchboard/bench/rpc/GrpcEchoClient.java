package io.switchboard.bench.rpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@link GrpcEcho}: one channel (one HTTP/2 connection) to {@link GrpcEchoServer}, on the
 * direct executor with {@code TCP_NODELAY}. Blocking calls are what gRPC's blocking stub makes (the caller
 * waits for its answer on its own thread); asynchronous calls are what the async stub makes, the answer
 * completing a future on Netty's event loop.
 */
final class GrpcEchoClient implements AutoCloseable
{
    private final ManagedChannel channel;

    GrpcEchoClient(final int port)
    {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .directExecutor()
            .withOption(ChannelOption.TCP_NODELAY, true)
            .build();
    }

    byte[] echo(final byte[] data)
    {
        return ClientCalls.blockingUnaryCall(channel, GrpcEcho.METHOD, CallOptions.DEFAULT, data);
    }

    CompletableFuture<byte[]> echoAsync(final byte[] data)
    {
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(channel.newCall(GrpcEcho.METHOD, CallOptions.DEFAULT), data,
            new StreamObserver<byte[]>()
            {
                @Override
                public void onNext(final byte[] value)
                {
                    answer.complete(value);
                }

                @Override
                public void onError(final Throwable error)
                {
                    answer.completeExceptionally(error);
                }

                @Override
                public void onCompleted()
                {
                    if (!answer.isDone())
                    {
                        answer.completeExceptionally(new IllegalStateException("gRPC Echo completed without an answer"));
                    }
                }
            });
        return answer;
    }

    @Override
    public void close() throws InterruptedException
    {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
