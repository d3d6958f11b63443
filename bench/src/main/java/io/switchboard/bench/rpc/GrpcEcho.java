package io.switchboard.bench.rpc;

import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bench's {@code Echo} as a gRPC unary method, {@code bench.Echo/Echo}: a {@code byte[]} in, the same
 * {@code byte[]} out. The marshaller copies the array as it is (no protobuf, no protoc), so that gRPC does the
 * same work per call as Switchboard's {@code Echo} and RMI's {@code EchoRmi}: move 64 bytes each way.
 */
final class GrpcEcho
{
    static final String SERVICE = "bench.Echo";

    static final MethodDescriptor<byte[], byte[]> METHOD = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
        .setRequestMarshaller(BytesMarshaller.INSTANCE)
        .setResponseMarshaller(BytesMarshaller.INSTANCE)
        .build();

    private GrpcEcho()
    {
    }

    /**
     * A message is its bytes: the stream gRPC hands over holds exactly one message.
     */
    private enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]>
    {
        INSTANCE;

        @Override
        public InputStream stream(final byte[] value)
        {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(final InputStream stream)
        {
            try (stream)
            {
                return stream.readAllBytes();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read a gRPC Echo message", ex);
            }
        }
    }
}
