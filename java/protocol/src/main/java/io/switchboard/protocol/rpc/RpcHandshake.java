package io.switchboard.protocol.rpc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The two messages that open a distributed session (docs/rpc-protocol.md, section 2): the client's HELLO
 * and the CM's WELCOME. Big-endian.
 * <pre>
 *  HELLO                                       WELCOME
 *  +------+------+------+------+               +------+------+------+------+
 *  | 0xC5 | 'S'  | 'B'  | 'R'  |               | 0xC5 | 'S'  | 'B'  | 'W'  |
 *  +------+------+------+------+               +------+------+------+------+
 *  | version u16 | flags u16   |               | version u16 | status u16  |
 *  +-------------+-------------+               +-------------+-------------+
 *  | app length u16 | app ...  |               | max frame length u32      |
 *  +----------------+----------+               | max calls in flight u32   |
 *  | options length u32        |               | session id u64            |
 *  | options (CBOR map) ...    |               | message length u16 | text |
 *  +---------------------------+               +---------------------------+
 * </pre>
 */
public final class RpcHandshake
{
    /** The first byte of a session: no HTTP method token contains it. */
    public static final byte FIRST_BYTE = (byte)0xC5;
    public static final int HELLO_MAGIC = 0xC5534252;
    public static final int WELCOME_MAGIC = 0xC5534257;
    public static final int VERSION = 1;

    public static final int HELLO_FIXED_LENGTH = 4 + 2 + 2 + 2;
    public static final int MAX_APPLICATION_LENGTH = 255;
    /** Options are a few small keys; a larger map is refused as malformed. */
    public static final int MAX_OPTIONS_LENGTH = 4096;
    public static final int MAX_HELLO_LENGTH = HELLO_FIXED_LENGTH + MAX_APPLICATION_LENGTH + 4 + MAX_OPTIONS_LENGTH;

    public static final int WELCOME_FIXED_LENGTH = 4 + 2 + 2 + 4 + 4 + 8 + 2;
    public static final int MAX_WELCOME_MESSAGE_LENGTH = 1024;

    public static final int STATUS_OK = 0;
    public static final int STATUS_UNSUPPORTED_VERSION = 1;
    public static final int STATUS_UNKNOWN_APPLICATION = 2;
    public static final int STATUS_NO_WORKER = 3;
    public static final int STATUS_SHUTTING_DOWN = 4;
    public static final int STATUS_MALFORMED_HELLO = 5;
    /** The instance, or the client's address, holds its limit of sessions: refused at once, not queued. */
    public static final int STATUS_TOO_MANY_SESSIONS = 6;

    private static final byte[] EMPTY_OPTIONS = {(byte)0xA0};

    private RpcHandshake()
    {
    }

    /**
     * A client's HELLO.
     *
     * @param options the raw CBOR map, not decoded by the CM.
     */
    public record Hello(int version, int flags, String application, byte[] options)
    {
    }

    /**
     * The CM's answer.
     */
    public record Welcome(int version, int status, int maxFrameLength, int maxCallsInFlight, long sessionId, String message)
    {
        public boolean isOk()
        {
            return status == STATUS_OK;
        }
    }

    /**
     * Thrown for bytes that are not a well-formed handshake message; the message says which field.
     */
    public static final class MalformedHandshakeException extends RuntimeException
    {
        public MalformedHandshakeException(final String message)
        {
            super(message);
        }
    }

    /**
     * Parses a HELLO from the buffer's readable bytes, consuming it when whole.
     *
     * @return the HELLO, or null when more bytes are needed (nothing consumed).
     * @throws MalformedHandshakeException when the bytes cannot be a HELLO.
     */
    public static Hello readHello(final ByteBuffer buffer)
    {
        final ByteBuffer in = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (in.remaining() >= 4 && in.getInt(in.position()) != HELLO_MAGIC)
        {
            throw new MalformedHandshakeException("bad magic 0x" + Integer.toHexString(in.getInt(in.position())) +
                ", expected 0x" + Integer.toHexString(HELLO_MAGIC));
        }
        if (in.remaining() < HELLO_FIXED_LENGTH)
        {
            return null;
        }
        in.getInt();
        final int version = Short.toUnsignedInt(in.getShort());
        final int flags = Short.toUnsignedInt(in.getShort());
        final int applicationLength = Short.toUnsignedInt(in.getShort());
        if (applicationLength == 0 || applicationLength > MAX_APPLICATION_LENGTH)
        {
            throw new MalformedHandshakeException("application name of " + applicationLength + " bytes, expected 1.." +
                MAX_APPLICATION_LENGTH);
        }
        if (in.remaining() < applicationLength + 4)
        {
            return null;
        }
        final byte[] application = new byte[applicationLength];
        in.get(application);
        final long optionsLength = Integer.toUnsignedLong(in.getInt());
        if (optionsLength > MAX_OPTIONS_LENGTH)
        {
            throw new MalformedHandshakeException("options of " + optionsLength + " bytes, at most " + MAX_OPTIONS_LENGTH);
        }
        if (in.remaining() < optionsLength)
        {
            return null;
        }
        final byte[] options = new byte[(int)optionsLength];
        in.get(options);
        buffer.position(in.position());
        return new Hello(version, flags, utf8(application, "application name"), options);
    }

    /**
     * Writes a HELLO with empty options if {@code options} is null.
     */
    public static void writeHello(final ByteBuffer out, final String application, final byte[] options)
    {
        final byte[] name = application.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > MAX_APPLICATION_LENGTH)
        {
            throw new IllegalArgumentException("application name of " + name.length + " bytes, expected 1.." +
                MAX_APPLICATION_LENGTH);
        }
        final byte[] opts = options == null ? EMPTY_OPTIONS : options;
        out.order(ByteOrder.BIG_ENDIAN)
            .putInt(HELLO_MAGIC)
            .putShort((short)VERSION)
            .putShort((short)0)
            .putShort((short)name.length)
            .put(name)
            .putInt(opts.length)
            .put(opts);
    }

    /**
     * Writes a WELCOME; the message is cut to {@link #MAX_WELCOME_MESSAGE_LENGTH} bytes.
     */
    public static void writeWelcome(
        final ByteBuffer out,
        final int status,
        final int maxFrameLength,
        final int maxCallsInFlight,
        final long sessionId,
        final String message)
    {
        final byte[] text = message.getBytes(StandardCharsets.UTF_8);
        final int textLength = Math.min(text.length, MAX_WELCOME_MESSAGE_LENGTH);
        out.order(ByteOrder.BIG_ENDIAN)
            .putInt(WELCOME_MAGIC)
            .putShort((short)VERSION)
            .putShort((short)status)
            .putInt(maxFrameLength)
            .putInt(maxCallsInFlight)
            .putLong(sessionId)
            .putShort((short)textLength)
            .put(text, 0, textLength);
    }

    /**
     * Parses a WELCOME from the buffer's readable bytes, consuming it when whole.
     *
     * @return the WELCOME, or null when more bytes are needed (nothing consumed).
     * @throws MalformedHandshakeException when the bytes cannot be a WELCOME.
     */
    public static Welcome readWelcome(final ByteBuffer buffer)
    {
        final ByteBuffer in = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (in.remaining() >= 4 && in.getInt(in.position()) != WELCOME_MAGIC)
        {
            throw new MalformedHandshakeException("bad magic 0x" + Integer.toHexString(in.getInt(in.position())) +
                ", expected 0x" + Integer.toHexString(WELCOME_MAGIC) + ": not a Switchboard RPC endpoint?");
        }
        if (in.remaining() < WELCOME_FIXED_LENGTH)
        {
            return null;
        }
        in.getInt();
        final int version = Short.toUnsignedInt(in.getShort());
        final int status = Short.toUnsignedInt(in.getShort());
        final int maxFrameLength = in.getInt();
        final int maxCalls = in.getInt();
        final long sessionId = in.getLong();
        final int textLength = Short.toUnsignedInt(in.getShort());
        if (textLength > MAX_WELCOME_MESSAGE_LENGTH)
        {
            throw new MalformedHandshakeException("message of " + textLength + " bytes, at most " + MAX_WELCOME_MESSAGE_LENGTH);
        }
        if (in.remaining() < textLength)
        {
            return null;
        }
        final byte[] text = new byte[textLength];
        in.get(text);
        buffer.position(in.position());
        return new Welcome(version, status, maxFrameLength, maxCalls, sessionId, utf8(text, "message"));
    }

    public static String statusName(final int status)
    {
        return switch (status)
        {
            case STATUS_OK -> "OK";
            case STATUS_UNSUPPORTED_VERSION -> "UNSUPPORTED_VERSION";
            case STATUS_UNKNOWN_APPLICATION -> "UNKNOWN_APPLICATION";
            case STATUS_NO_WORKER -> "NO_WORKER";
            case STATUS_SHUTTING_DOWN -> "SHUTTING_DOWN";
            case STATUS_MALFORMED_HELLO -> "MALFORMED_HELLO";
            case STATUS_TOO_MANY_SESSIONS -> "TOO_MANY_SESSIONS";
            default -> "UNKNOWN(" + status + ")";
        };
    }

    private static String utf8(final byte[] bytes, final String what)
    {
        try
        {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        }
        catch (final java.nio.charset.CharacterCodingException ex)
        {
            throw new MalformedHandshakeException(what + " is not valid UTF-8");
        }
    }
}
