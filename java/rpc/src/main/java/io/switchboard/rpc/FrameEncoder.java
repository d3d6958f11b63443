package io.switchboard.rpc;

import static io.switchboard.protocol.rpc.RpcFrame.CALL;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_DEADLINE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_ID_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_METHOD_LENGTH_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_METHOD_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.ERROR;
import static io.switchboard.protocol.rpc.RpcFrame.ERROR_CODE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.ERROR_PAYLOAD_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_CODE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_MESSAGE_LENGTH_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_MESSAGE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.HEADER_LENGTH;
import static io.switchboard.protocol.rpc.RpcFrame.LENGTH_FIELD_LENGTH;
import static io.switchboard.protocol.rpc.RpcFrame.LENGTH_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.OBJECT_ID_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.RESULT;
import static io.switchboard.protocol.rpc.RpcFrame.TYPE_OFFSET;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.codec.ErrorPayload;
import io.switchboard.rpc.codec.FrameBuffer;
import io.switchboard.rpc.codec.MethodCodec;
import io.switchboard.rpc.codec.PayloadCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes one frame at a time into its own buffer: header room reserved, type-specific fields and the CBOR payload
 * written after it, then the header written in place. The CBOR generator lives as long as the encoder (CBOR root
 * values simply follow one another), so a frame allocates no generator and no output buffer. Not thread-safe: a
 * session lends encoders from an {@link EncoderPool}. After an encoding fails half-way the generator's state is
 * unknown: the encoder is then {@link #isBroken()} and dropped.
 */
final class FrameEncoder
{
    private static final int INITIAL_CAPACITY = 4096;

    private final FrameBuffer out;
    private final CBORGenerator gen;
    private boolean broken;

    FrameEncoder(final int maxFrameLength)
    {
        out = new FrameBuffer(INITIAL_CAPACITY, maxFrameLength);
        try
        {
            gen = (CBORGenerator)PayloadCodec.factory().createGenerator(out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    byte[] array()
    {
        return out.array();
    }

    int length()
    {
        return out.length();
    }

    boolean isBroken()
    {
        return broken;
    }

    /**
     * Gives back memory grown by a large frame.
     */
    void trim()
    {
        out.shrink();
    }

    void call(final long callId, final long objectId, final long deadlineMs, final MethodCodec method,
        final Object[] args) throws IOException
    {
        final byte[] name = method.nameUtf8();
        out.reset(CALL_METHOD_OFFSET);
        out.write(name, 0, name.length);
        broken = true;
        method.writeArguments(gen, args);
        gen.flush();
        broken = false;
        final byte[] array = out.array();
        BigEndian.putU32(array, CALL_DEADLINE_OFFSET, deadlineMs);
        BigEndian.putU16(array, CALL_METHOD_LENGTH_OFFSET, name.length);
        header(CALL, callId, objectId);
    }

    void result(final long callId, final MethodCodec method, final Object value) throws IOException
    {
        out.reset(HEADER_LENGTH);
        broken = true;
        method.writeResult(gen, value);
        gen.flush();
        broken = false;
        header(RESULT, callId, 0);
    }

    void error(final long callId, final int code, final String message) throws IOException
    {
        out.reset(ERROR_PAYLOAD_OFFSET);
        broken = true;
        ErrorPayload.writeMessage(gen, message);
        gen.flush();
        broken = false;
        BigEndian.putU16(out.array(), ERROR_CODE_OFFSET, code);
        header(ERROR, callId, 0);
    }

    void applicationError(final long callId, final int code, final Throwable thrown) throws IOException
    {
        out.reset(ERROR_PAYLOAD_OFFSET);
        broken = true;
        ErrorPayload.writeThrowable(gen, thrown);
        gen.flush();
        broken = false;
        BigEndian.putU16(out.array(), ERROR_CODE_OFFSET, code);
        header(ERROR, callId, 0);
    }

    /**
     * CANCEL, RELEASE, PING, PONG: a header only.
     */
    void bare(final int type, final long callId, final long objectId)
    {
        out.reset(HEADER_LENGTH);
        header(type, callId, objectId);
    }

    void goodbye(final int code, final String message)
    {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        if (text.length > 0xFFFF)
        {
            text = java.util.Arrays.copyOf(text, 0xFFFF);
        }
        out.reset(GOODBYE_MESSAGE_OFFSET);
        out.write(text, 0, text.length);
        final byte[] array = out.array();
        BigEndian.putU16(array, GOODBYE_CODE_OFFSET, code);
        BigEndian.putU16(array, GOODBYE_MESSAGE_LENGTH_OFFSET, text.length);
        header(GOODBYE, 0, 0);
    }

    private void header(final int type, final long callId, final long objectId)
    {
        final byte[] array = out.array();
        BigEndian.putU32(array, LENGTH_OFFSET, out.length() - LENGTH_FIELD_LENGTH);
        // type, flags (0), reserved (0)
        BigEndian.putU32(array, TYPE_OFFSET, (long)type << 24);
        BigEndian.putI64(array, CALL_ID_OFFSET, callId);
        BigEndian.putI64(array, OBJECT_ID_OFFSET, objectId);
    }
}
