package io.switchboard.bench.rpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ServerCalls;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A JVM serving {@link GrpcEcho} with gRPC-java over Netty on loopback, tuned as its users tune it for latency:
 * the handler does not block, so it runs on Netty's event loop ({@code directExecutor()}, no hand-off to an
 * executor), and {@code TCP_NODELAY} is set on every accepted connection. Prints {@code PORT <port>} when ready
 * and lives until its standard input closes (the suite that started it closes it, or dies).
 */
public final class GrpcEchoServer
{
    private GrpcEchoServer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final ServerServiceDefinition echo = ServerServiceDefinition.builder(GrpcEcho.SERVICE)
            .addMethod(GrpcEcho.METHOD, ServerCalls.asyncUnaryCall((request, answer) ->
            {
                answer.onNext(request);
                answer.onCompleted();
            }))
            .build();
        final Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .withChildOption(ChannelOption.TCP_NODELAY, true)
            .addService(echo)
            .build()
            .start();
        System.out.println("PORT " + server.getPort());
        System.out.flush();
        while (System.in.read() >= 0)
        {
            // wait for the parent to close our input
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        System.exit(0);
    }
}
