package io.switchboard.protocol.rpc;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options map of a HELLO (docs/rpc-protocol.md, section 2.1), read by the CM
 * without a CBOR library: a map with text keys, of which it keeps the values that
 * are text or unsigned integers and skips the rest, whatever they are. Definite
 * lengths only, nesting bounded; anything else is a malformed HELLO.
 */
public final class HelloOptions
{
    /** Sessions with the same affinity go to the same worker while it lives (text). */
    public static final String AFFINITY = "affinity";
    public static final String CLIENT = "client";
    /** The largest frame the client is willing to receive (unsigned integer); the session's limit is at most this. */
    public static final String MAX_FRAME_LENGTH = "maxFrameLength";

    private static final int MAX_DEPTH = 8;

    private final byte[] cbor;
    private int at;

    private HelloOptions(final byte[] cbor)
    {
        this.cbor = cbor;
    }

    /**
     * @return the text and unsigned-integer options by key (String or Long), in order.
     * @throws RpcHandshake.MalformedHandshakeException when the bytes are not one well-formed map.
     */
    public static Map<String, Object> parse(final byte[] cbor)
    {
        final HelloOptions reader = new HelloOptions(cbor);
        final Map<String, Object> options = new LinkedHashMap<>();
        if (cbor.length == 0)
        {
            return options;
        }
        final int initial = reader.u8();
        if (initial >> 5 != 5)
        {
            throw malformed("options are not a CBOR map (initial byte 0x" + Integer.toHexString(initial) + ")");
        }
        final long pairs = reader.argument(initial);
        for (long i = 0; i < pairs; i++)
        {
            final int keyInitial = reader.u8();
            if (keyInitial >> 5 != 3)
            {
                throw malformed("an option key is not text");
            }
            final String key = reader.text(keyInitial);
            final int valueInitial = reader.peek();
            switch (valueInitial >> 5)
            {
                case 0 -> options.put(key, reader.argument(reader.u8()));
                case 3 -> options.put(key, reader.text(reader.u8()));
                default -> reader.skip(0);
            }
        }
        if (reader.at != cbor.length)
        {
            throw malformed((cbor.length - reader.at) + " bytes after the options map");
        }
        return options;
    }

    private int u8()
    {
        if (at >= cbor.length)
        {
            throw malformed("options end inside an item");
        }
        return cbor[at++] & 0xFF;
    }

    private int peek()
    {
        if (at >= cbor.length)
        {
            throw malformed("options end inside an item");
        }
        return cbor[at] & 0xFF;
    }

    private long argument(final int initial)
    {
        final int info = initial & 0x1F;
        if (info < 24)
        {
            return info;
        }
        final int bytes = switch (info)
        {
            case 24 -> 1;
            case 25 -> 2;
            case 26 -> 4;
            case 27 -> 8;
            default -> throw malformed("indefinite or reserved length (additional info " + info + ")");
        };
        long value = 0;
        for (int i = 0; i < bytes; i++)
        {
            value = (value << 8) | u8();
        }
        if (value < 0)
        {
            throw malformed("an argument over 2^63");
        }
        return value;
    }

    private String text(final int initial)
    {
        final long length = argument(initial);
        if (length > cbor.length - at)
        {
            throw malformed("a text of " + length + " bytes runs past the options");
        }
        final int start = at;
        at += (int)length;
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .decode(java.nio.ByteBuffer.wrap(cbor, start, (int)length)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw malformed("an option text is not valid UTF-8");
        }
    }

    private void skip(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw malformed("options nested deeper than " + MAX_DEPTH);
        }
        final int initial = u8();
        final int major = initial >> 5;
        if (major == 7)
        {
            final int info = initial & 0x1F;
            at += switch (info)
            {
                case 24 -> 1;
                case 25 -> 2;
                case 26 -> 4;
                case 27 -> 8;
                default ->
                {
                    if (info > 24)
                    {
                        throw malformed("a break or reserved simple value in the options");
                    }
                    yield 0;
                }
            };
            if (at > cbor.length)
            {
                throw malformed("options end inside a float");
            }
            return;
        }
        final long argument = argument(initial);
        switch (major)
        {
            case 0, 1 ->
            {
            }
            case 2, 3 ->
            {
                if (argument > cbor.length - at)
                {
                    throw malformed("a string of " + argument + " bytes runs past the options");
                }
                at += (int)argument;
            }
            case 4 ->
            {
                for (long i = 0; i < argument; i++)
                {
                    skip(depth + 1);
                }
            }
            case 5 ->
            {
                for (long i = 0; i < 2 * argument; i++)
                {
                    skip(depth + 1);
                }
            }
            default -> skip(depth + 1);
        }
    }

    private static RpcHandshake.MalformedHandshakeException malformed(final String what)
    {
        return new RpcHandshake.MalformedHandshakeException("options: " + what);
    }
}
