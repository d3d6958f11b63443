package io.switchboard.ipc.nativeshim;

import io.switchboard.ipc.memory.SharedBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs in java/ipc (JNA, the only backend there) and again in java/ipc-ffm (forced to FFM): proves that each run
 * tests the backend it claims to, and that both keep the buffer contract the ring code relies on.
 */
class NativeAccessTest
{
    @Test
    void shouldUseTheBackendTheBuildAskedFor()
    {
        final String wanted = System.getProperty(NativeAccessSelector.PROPERTY);
        if (null != wanted)
        {
            assertEquals(wanted, NativeAccess.current().name());
        }
    }

    @Test
    void shouldReadLittleAndBigEndianAsTheLayoutSays()
    {
        final byte[] bytes = new byte[16];
        final SharedBuffer buffer = SharedBuffer.wrap(bytes);
        buffer.putInt(1, 0x01020304);
        assertEquals(4, bytes[1]);
        assertEquals(1, bytes[4]);
        assertEquals(0x04030201, buffer.getIntBigEndian(1));
        buffer.putLongBigEndian(8, 0x0102030405060708L);
        assertEquals(1, bytes[8]);
        assertEquals((short)0x0708, buffer.getShortBigEndian(14));
        assertEquals(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(8), buffer.getLong(8));
    }

    @Test
    void shouldDoAtomicsOnNativeMemoryAtItsAddress()
    {
        final SharedBuffer buffer = SharedBuffer.allocateNative(128, 64);
        assertEquals(0, buffer.address() & 63, "aligned as asked");
        assertEquals(0L, buffer.getAndAddLong(64, 5));
        assertTrue(buffer.compareAndSetLong(64, 5, 7));
        assertEquals(7L, buffer.getAndBitwiseOrLong(64, 8));
        assertEquals(15L, buffer.getLongAcquire(64));
        buffer.putIntRelease(72, 3);
        assertEquals(3, buffer.getAndAddInt(72, 1));
        assertEquals(4, buffer.getIntVolatile(72));
        final SharedBuffer slice = buffer.slice(64, 64);
        assertEquals(buffer.address() + 64, slice.address());
        assertEquals(15L, slice.getLongVolatile(0));
    }

    @Test
    void shouldCopyBetweenBuffersArraysAndByteBuffers()
    {
        final SharedBuffer source = SharedBuffer.allocateNative(64, 8);
        source.putBytes(0, new byte[]{1, 2, 3, 4, 5}, 0, 5);
        final SharedBuffer target = SharedBuffer.wrap(new byte[8]);
        source.getBytes(1, target, 2, 3);
        assertEquals(2, target.getByte(2));
        assertEquals(4, target.getByte(4));

        final ByteBuffer direct = ByteBuffer.allocateDirect(8);
        direct.position(6);
        source.getBytes(0, direct, 1, 2);
        assertEquals(6, direct.position(), "absolute: the position stays");
        assertEquals(1, direct.get(1));
        final SharedBuffer wrapped = SharedBuffer.wrap(direct.clear());
        assertEquals(2, wrapped.getByte(2));
        assertEquals(2, wrapped.byteBuffer(2, 1).get(0), "a view shares the bytes");
    }

    @Test
    void shouldRefuseAnIndexOutsideTheBuffer()
    {
        final SharedBuffer buffer = SharedBuffer.wrap(new byte[8]);
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getLong(4));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getInt(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getByte(1L << 32));
    }
}
