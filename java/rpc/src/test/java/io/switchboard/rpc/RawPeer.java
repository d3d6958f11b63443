package io.switchboard.rpc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.codec.PayloadCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A session under test, fed frames built by hand, its own frames recorded: a peer that can say anything.
 */
final class RawPeer
{
    final RpcSession session;
    final LinkedBlockingQueue<Frame> sent = new LinkedBlockingQueue<>();
    private final java.util.Map<Long, Frame> answers = new java.util.concurrent.ConcurrentHashMap<>();
    volatile boolean sinkClosed;

    RawPeer(final DeployedServices services)
    {
        this(services, b -> { });
    }

    RawPeer(final DeployedServices services, final Consumer<RpcSessionBuilder> config)
    {
        final RpcSessionBuilder builder = RpcSession.builder(new FrameSink()
        {
            @Override
            public void send(final byte[] buffer, final int offset, final int length)
            {
                sent.add(new Frame(Arrays.copyOfRange(buffer, offset, offset + length)));
            }

            @Override
            public void close()
            {
                sinkClosed = true;
            }
        }).services(services).name("raw-peer");
        config.accept(builder);
        session = builder.build();
    }

    void feed(final byte[] frame)
    {
        session.onFrame(frame, 0, frame.length);
    }

    Frame awaitAnswer(final long callId) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!answers.containsKey(callId))
        {
            final Frame frame = sent.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame == null)
            {
                throw new AssertionError("no answer to call " + callId + " within 5 s");
            }
            if (frame.type() == RpcFrame.RESULT || frame.type() == RpcFrame.ERROR)
            {
                answers.put(frame.callId(), frame);
            }
        }
        return answers.get(callId);
    }

    Frame awaitType(final int type) throws InterruptedException
    {
        while (true)
        {
            final Frame frame = sent.poll(5, TimeUnit.SECONDS);
            if (frame == null)
            {
                throw new AssertionError("no " + RpcFrame.typeName(type) + " frame within 5 s");
            }
            if (frame.type() == type)
            {
                return frame;
            }
        }
    }

    /**
     * @return the object id of a RESULT that is a reference to the sender's object.
     */
    long awaitResultRef(final long callId) throws InterruptedException
    {
        final Frame frame = awaitAnswer(callId);
        if (frame.type() != RpcFrame.RESULT)
        {
            throw new AssertionError("call " + callId + " failed: " + frame.errorCode() + " " + frame.errorMessage());
        }
        try (CBORParser parser = (CBORParser)PayloadCodec.factory().createParser(frame.bytes(),
            RpcFrame.HEADER_LENGTH, frame.bytes().length - RpcFrame.HEADER_LENGTH))
        {
            if (parser.nextToken() != JsonToken.START_ARRAY || parser.getCurrentTag() != 55801)
            {
                throw new AssertionError("not a reference");
            }
            parser.nextToken();
            final int owner = parser.getIntValue();
            parser.nextToken();
            final long id = parser.getLongValue();
            if (owner != 0)
            {
                throw new AssertionError("owner " + owner);
            }
            return id;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static byte[] call(final long callId, final long objectId, final long deadlineMs, final String method,
        final Object[] args)
    {
        final byte[] payload = cbor(gen ->
        {
            gen.writeStartArray(null, args.length);
            for (final Object arg : args)
            {
                if (arg == null)
                {
                    gen.writeNull();
                }
                else if (arg instanceof String s)
                {
                    gen.writeString(s);
                }
                else if (arg instanceof Double d)
                {
                    gen.writeNumber(d);
                }
                else if (arg instanceof Boolean b)
                {
                    gen.writeBoolean(b);
                }
                else
                {
                    gen.writeNumber(((Number)arg).longValue());
                }
            }
            gen.writeEndArray();
        });
        return callFrame(callId, objectId, deadlineMs, method, payload);
    }

    static byte[] callFrame(final long callId, final long objectId, final long deadlineMs, final String method,
        final byte[] payload)
    {
        final byte[] name = method.getBytes(StandardCharsets.UTF_8);
        final byte[] frame = header(RpcFrame.CALL, callId, objectId, 6 + name.length + payload.length);
        BigEndian.putU32(frame, RpcFrame.CALL_DEADLINE_OFFSET, deadlineMs);
        BigEndian.putU16(frame, RpcFrame.CALL_METHOD_LENGTH_OFFSET, name.length);
        System.arraycopy(name, 0, frame, RpcFrame.CALL_METHOD_OFFSET, name.length);
        System.arraycopy(payload, 0, frame, RpcFrame.CALL_METHOD_OFFSET + name.length, payload.length);
        return frame;
    }

    static byte[] frame(final int type, final long callId, final long objectId, final byte[] body)
    {
        final byte[] frame = header(type, callId, objectId, body.length);
        System.arraycopy(body, 0, frame, RpcFrame.HEADER_LENGTH, body.length);
        return frame;
    }

    static byte[] header(final int type, final long callId, final long objectId, final int bodyLength)
    {
        final byte[] frame = new byte[RpcFrame.HEADER_LENGTH + bodyLength];
        BigEndian.putU32(frame, 0, frame.length - 4);
        BigEndian.putU8(frame, RpcFrame.TYPE_OFFSET, type);
        BigEndian.putI64(frame, RpcFrame.CALL_ID_OFFSET, callId);
        BigEndian.putI64(frame, RpcFrame.OBJECT_ID_OFFSET, objectId);
        return frame;
    }

    interface CborWriter
    {
        void write(CBORGenerator gen) throws IOException;
    }

    static byte[] cbor(final CborWriter writer)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator gen = (CBORGenerator)PayloadCodec.factory().createGenerator(out))
        {
            writer.write(gen);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /**
     * A frame the session sent.
     */
    record Frame(byte[] bytes)
    {
        int type()
        {
            return BigEndian.u8(bytes, RpcFrame.TYPE_OFFSET);
        }

        long callId()
        {
            return BigEndian.i64(bytes, RpcFrame.CALL_ID_OFFSET);
        }

        long objectId()
        {
            return BigEndian.i64(bytes, RpcFrame.OBJECT_ID_OFFSET);
        }

        int errorCode()
        {
            return BigEndian.u16(bytes, RpcFrame.ERROR_CODE_OFFSET);
        }

        String errorMessage()
        {
            try (JsonParser parser = PayloadCodec.factory().createParser(bytes, RpcFrame.ERROR_PAYLOAD_OFFSET,
                bytes.length - RpcFrame.ERROR_PAYLOAD_OFFSET))
            {
                return io.switchboard.rpc.codec.ErrorPayload.read(parser).message();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        int goodbyeCode()
        {
            return BigEndian.u16(bytes, RpcFrame.GOODBYE_CODE_OFFSET);
        }

        String goodbyeMessage()
        {
            final int length = BigEndian.u16(bytes, RpcFrame.GOODBYE_MESSAGE_LENGTH_OFFSET);
            return new String(bytes, RpcFrame.GOODBYE_MESSAGE_OFFSET, length, StandardCharsets.UTF_8);
        }
    }
}
