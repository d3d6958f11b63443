package io.switchboard.tests.rpc;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake and frames of {@code docs/rpc-protocol.md}, written and read by hand: no Switchboard class on the
 * client side, CBOR built byte by byte. Tests that speak through these fail if the document and the implementation
 * disagree.
 */
final class RawFrames
{
    static final int TIMEOUT_MS = 10_000;

    private RawFrames()
    {
    }

    static Socket connect(final int port) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /**
     * Section 2.1: magic, version 1, flags 0, application, options (an empty CBOR map).
     */
    static byte[] hello(final String application)
    {
        return hello(application, new byte[] {(byte)0xA0});
    }

    /**
     * HELLO with the options map {"affinity": key}.
     */
    static byte[] hello(final String application, final String affinity)
    {
        final byte[] key = text("affinity");
        final byte[] value = text(affinity);
        return hello(application, ByteBuffer.allocate(1 + key.length + value.length).put((byte)0xA1).put(key).put(value)
            .array());
    }

    /**
     * HELLO with the options map {"maxFrameLength": length}.
     */
    static byte[] hello(final String application, final long maxFrameLength)
    {
        final byte[] key = text("maxFrameLength");
        final ByteBuffer options = ByteBuffer.allocate(1 + key.length + 9).put((byte)0xA1).put(key);
        putUnsigned(options, maxFrameLength);
        return hello(application, Arrays.copyOf(options.array(), options.position()));
    }

    /**
     * @param options a CBOR map, as the client would send it.
     */
    static byte[] hello(final String application, final byte[] options)
    {
        final byte[] name = application.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buffer = ByteBuffer.allocate(4 + 2 + 2 + 2 + name.length + 4 + options.length);
        buffer.put((byte)0xC5).put((byte)'S').put((byte)'B').put((byte)'R');
        buffer.putShort((short)1).putShort((short)0).putShort((short)name.length).put(name);
        buffer.putInt(options.length).put(options);
        return buffer.array();
    }

    record Welcome(int version, int status, int maxFrameLength, int maxCalls, long sessionId, String message)
    {
    }

    /**
     * Section 2.2.
     */
    static Welcome readWelcome(final DataInputStream in) throws IOException
    {
        final byte[] magic = new byte[4];
        in.readFully(magic);
        assertArrayEquals(new byte[] {(byte)0xC5, 'S', 'B', 'W'}, magic);
        final int version = in.readUnsignedShort();
        final int status = in.readUnsignedShort();
        final int maxFrame = in.readInt();
        final int maxCalls = in.readInt();
        final long sessionId = in.readLong();
        final byte[] message = new byte[in.readUnsignedShort()];
        in.readFully(message);
        return new Welcome(version, status, maxFrame, maxCalls, sessionId, new String(message, StandardCharsets.UTF_8));
    }

    record Frame(int type, long callId, long objectId, byte[] body)
    {
    }

    /**
     * Section 3: length (bytes after the field), type, flags, reserved, call id, object id, the rest.
     */
    static byte[] frame(final int type, final long callId, final long objectId, final byte[] rest)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(24 + rest.length);
        buffer.putInt(20 + rest.length).put((byte)type).put((byte)0).putShort((short)0);
        buffer.putLong(callId).putLong(objectId).put(rest);
        return buffer.array();
    }

    /**
     * The 24-byte header of a CALL to the registry whose length field declares a whole frame of
     * {@code wholeLength} bytes; the rest is never sent.
     */
    static byte[] callHeader(final long callId, final int wholeLength)
    {
        return ByteBuffer.allocate(24).putInt(wholeLength - 4).put((byte)1).put((byte)0).putShort((short)0)
            .putLong(callId).putLong(0).array();
    }

    /**
     * CALL: deadline (u32, 0 = none), method name length (u16), method name, a CBOR array of arguments.
     */
    static byte[] call(final long callId, final long objectId, final String method, final byte[] cborArguments)
    {
        final byte[] name = method.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer rest = ByteBuffer.allocate(4 + 2 + name.length + cborArguments.length);
        rest.putInt(0).putShort((short)name.length).put(name).put(cborArguments);
        return frame(1, callId, objectId, rest.array());
    }

    /**
     * echo(bytes): a CBOR array of one byte string with a 4-byte length.
     */
    static byte[] echoCall(final long callId, final long objectId, final byte[] payload)
    {
        final ByteBuffer arguments = ByteBuffer.allocate(1 + 5 + payload.length);
        arguments.put((byte)0x81).put((byte)0x5A).putInt(payload.length).put(payload);
        return call(callId, objectId, "echo", arguments.array());
    }

    /**
     * blob.bytes(length, seed) of {@link TestServices.Blob}: a CBOR array of two unsigned integers.
     */
    static byte[] blobCall(final long callId, final long objectId, final int length, final int seed)
    {
        final ByteBuffer arguments = ByteBuffer.allocate(1 + 9 + 9).put((byte)0x82);
        putUnsigned(arguments, length);
        putUnsigned(arguments, seed);
        return call(callId, objectId, "bytes", Arrays.copyOf(arguments.array(), arguments.position()));
    }

    static Frame readFrame(final DataInputStream in) throws IOException
    {
        final int length;
        try
        {
            length = in.readInt();
        }
        catch (final EOFException ex)
        {
            throw new AssertionError("the session ended where a frame was expected");
        }
        final int type = in.readUnsignedByte();
        in.readUnsignedByte();
        in.readUnsignedShort();
        final long callId = in.readLong();
        final long objectId = in.readLong();
        final byte[] body = new byte[length - 20];
        in.readFully(body);
        return new Frame(type, callId, objectId, body);
    }

    /**
     * Registry (object 0) lookup(name): the RESULT is tag 55801 around [owner, id]; owner 0 is the sender's
     * (the worker's) object.
     *
     * @return the id of the worker's object.
     */
    static long lookup(final OutputStream out, final DataInputStream in, final long callId, final String name)
        throws IOException
    {
        final byte[] text = name.getBytes(StandardCharsets.UTF_8);
        assertTrue(text.length < 24);
        final byte[] arguments = new byte[2 + text.length];
        arguments[0] = (byte)0x81;
        arguments[1] = (byte)(0x60 | text.length);
        System.arraycopy(text, 0, arguments, 2, text.length);
        out.write(call(callId, 0, "lookup", arguments));
        final Frame result = readFrame(in);
        assertEquals(2, result.type(), "RESULT of lookup(" + name + "), got body " + Arrays.toString(result.body()));
        assertEquals(callId, result.callId());
        final ByteBuffer cbor = ByteBuffer.wrap(result.body());
        assertEquals((byte)0xD9, cbor.get(), "a tag with a 2-byte number");
        assertEquals(55801, cbor.getShort() & 0xFFFF);
        assertEquals((byte)0x82, cbor.get(), "an array of 2");
        assertEquals(0, readUnsigned(cbor), "owner: the sender's object");
        return readUnsigned(cbor);
    }

    /**
     * A CBOR unsigned integer (major type 0).
     */
    static long readUnsigned(final ByteBuffer cbor)
    {
        final int initial = cbor.get() & 0xFF;
        assertEquals(0, initial >> 5, "major type 0");
        final int info = initial & 0x1F;
        return switch (info)
        {
            case 24 -> cbor.get() & 0xFF;
            case 25 -> cbor.getShort() & 0xFFFF;
            case 26 -> cbor.getInt() & 0xFFFF_FFFFL;
            case 27 -> cbor.getLong();
            default ->
            {
                assertTrue(info < 24, "unsigned additional info " + info);
                yield info;
            }
        };
    }

    /**
     * A CBOR unsigned integer in its shortest form.
     */
    static void putUnsigned(final ByteBuffer cbor, final long value)
    {
        if (value < 24)
        {
            cbor.put((byte)value);
        }
        else if (value < 0x100)
        {
            cbor.put((byte)24).put((byte)value);
        }
        else if (value < 0x1_0000)
        {
            cbor.put((byte)25).putShort((short)value);
        }
        else if (value < 0x1_0000_0000L)
        {
            cbor.put((byte)26).putInt((int)value);
        }
        else
        {
            cbor.put((byte)27).putLong(value);
        }
    }

    /**
     * ERROR: code (u16) first.
     */
    static int errorCode(final Frame error)
    {
        return ByteBuffer.wrap(error.body()).getShort() & 0xFFFF;
    }

    /**
     * ERROR of a code other than 1: code (u16), then the CBOR map {"message": text} (section 5).
     */
    static String errorMessage(final Frame error)
    {
        final ByteBuffer cbor = ByteBuffer.wrap(error.body()).position(2);
        assertEquals(0xA1, cbor.get() & 0xFF, "a CBOR map of one entry");
        assertEquals("message", readText(cbor));
        return readText(cbor);
    }

    /**
     * A CBOR text string (major type 3), definite length.
     */
    static String readText(final ByteBuffer cbor)
    {
        final int initial = cbor.get() & 0xFF;
        assertEquals(3, initial >> 5, "major type 3");
        final int length = switch (initial & 0x1F)
        {
            case 24 -> cbor.get() & 0xFF;
            case 25 -> cbor.getShort() & 0xFFFF;
            case 26 -> cbor.getInt();
            default -> initial & 0x1F;
        };
        final byte[] text = new byte[length];
        cbor.get(text);
        return new String(text, StandardCharsets.UTF_8);
    }

    /**
     * GOODBYE: code (u16), message length (u16), message.
     */
    static String goodbyeMessage(final Frame goodbye)
    {
        final ByteBuffer body = ByteBuffer.wrap(goodbye.body());
        body.getShort();
        final byte[] text = new byte[body.getShort() & 0xFFFF];
        body.get(text);
        return new String(text, StandardCharsets.UTF_8);
    }

    /**
     * A CBOR text string shorter than 24 bytes.
     */
    private static byte[] text(final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length < 24, value);
        final byte[] cbor = new byte[1 + bytes.length];
        cbor[0] = (byte)(0x60 | bytes.length);
        System.arraycopy(bytes, 0, cbor, 1, bytes.length);
        return cbor;
    }
}
