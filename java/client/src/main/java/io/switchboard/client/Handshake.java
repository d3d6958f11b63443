package io.switchboard.client;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.switchboard.protocol.rpc.HelloOptions;
import io.switchboard.protocol.rpc.RpcHandshake;
import io.switchboard.rpc.codec.PayloadCodec;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The client's half of the HELLO/WELCOME exchange (docs/rpc-protocol.md, section 2), on a blocking socket whose
 * read timeout the caller set.
 */
final class Handshake
{
    /**
     * The HELLO option saying how often the client pings while idle (docs/rpc-protocol.md, section 2.1): uint.
     */
    static final String PING_INTERVAL_MS = "pingIntervalMs";

    private Handshake()
    {
    }

    /**
     * Sends HELLO and reads WELCOME.
     *
     * @param leftover receives the bytes read past the WELCOME (frames the CM sent at once): position 0, limit set.
     */
    static RpcHandshake.Welcome run(final InputStream in, final OutputStream out, final String application,
        final ClientOptions options, final ByteBuffer leftover) throws IOException
    {
        final ByteBuffer hello = ByteBuffer.allocate(RpcHandshake.MAX_HELLO_LENGTH);
        RpcHandshake.writeHello(hello, application, options(options));
        out.write(hello.array(), 0, hello.position());
        out.flush();

        final ByteBuffer received = ByteBuffer.allocate(RpcHandshake.WELCOME_FIXED_LENGTH +
            RpcHandshake.MAX_WELCOME_MESSAGE_LENGTH + 64 * 1024);
        while (true)
        {
            final int read = in.read(received.array(), received.position(), received.remaining());
            if (read < 0)
            {
                throw new EOFException("the connection closed before the CM's WELCOME was whole (" +
                    received.position() + " bytes received)");
            }
            received.position(received.position() + read);
            received.flip();
            final RpcHandshake.Welcome welcome = RpcHandshake.readWelcome(received);
            if (welcome != null)
            {
                leftover.clear();
                leftover.put(received);
                leftover.flip();
                return welcome;
            }
            received.compact();
            if (!received.hasRemaining())
            {
                throw new IOException("WELCOME longer than " + received.capacity() + " bytes");
            }
        }
    }

    private static byte[] options(final ClientOptions options) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (CBORGenerator gen = PayloadCodec.factory().createGenerator(bytes))
        {
            final boolean pinging = !options.pingInterval().isZero();
            gen.writeStartObject((options.clientName() == null ? 0 : 1) + (options.affinity() == null ? 0 : 1) +
                (pinging ? 1 : 0));
            if (options.clientName() != null)
            {
                gen.writeStringField(HelloOptions.CLIENT, options.clientName());
            }
            if (options.affinity() != null)
            {
                gen.writeStringField(HelloOptions.AFFINITY, options.affinity());
            }
            if (pinging)
            {
                gen.writeFieldName(PING_INTERVAL_MS);
                gen.writeNumber(options.pingInterval().toMillis());
            }
            gen.writeEndObject();
        }
        return bytes.toByteArray();
    }
}
