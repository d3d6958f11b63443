package io.switchboard.rpc.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Network-order reads and writes of frame fields in a {@code byte[]}, in place. The caller checks bounds.
 */
public final class BigEndian
{
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BigEndian()
    {
    }

    public static int u8(final byte[] buffer, final int index)
    {
        return buffer[index] & 0xFF;
    }

    public static int u16(final byte[] buffer, final int index)
    {
        return Short.toUnsignedInt((short)SHORT.get(buffer, index));
    }

    public static long u32(final byte[] buffer, final int index)
    {
        return Integer.toUnsignedLong((int)INT.get(buffer, index));
    }

    public static long i64(final byte[] buffer, final int index)
    {
        return (long)LONG.get(buffer, index);
    }

    public static void putU8(final byte[] buffer, final int index, final int value)
    {
        buffer[index] = (byte)value;
    }

    public static void putU16(final byte[] buffer, final int index, final int value)
    {
        SHORT.set(buffer, index, (short)value);
    }

    public static void putU32(final byte[] buffer, final int index, final long value)
    {
        INT.set(buffer, index, (int)value);
    }

    public static void putI64(final byte[] buffer, final int index, final long value)
    {
        LONG.set(buffer, index, value);
    }
}
