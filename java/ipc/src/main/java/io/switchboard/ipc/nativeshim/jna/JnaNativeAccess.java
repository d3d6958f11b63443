package io.switchboard.ipc.nativeshim.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.switchboard.ipc.memory.ByteBufferSharedBuffer;
import io.switchboard.ipc.memory.SharedBuffer;
import io.switchboard.ipc.nativeshim.NativeAccess;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link NativeAccess} of JDK 17 to 21: the shim through JNA ({@link JnaShimLibrary}), memory as
 * {@link ByteBufferSharedBuffer}s. A mapping becomes one direct {@link ByteBuffer} ({@link Pointer#getByteBuffer}),
 * so it must be under 2 GiB; a larger one is refused with its size and the CM options that shrink it.
 */
public final class JnaNativeAccess implements NativeAccess
{
    public String name()
    {
        return "jna";
    }

    public boolean isSupported()
    {
        return true;
    }

    public int shmCreate(final String name, final long length, final long[] out)
    {
        return JnaShimLibrary.sb_shm_create(name, length, out);
    }

    public int shmOpen(final String name, final long[] out)
    {
        final long[] length = new long[1];
        final long[] address = new long[1];
        final int rc = JnaShimLibrary.sb_shm_open(name, length, address);
        out[0] = address[0];
        out[1] = length[0];
        return rc;
    }

    public int shmUnmap(final long address, final long length)
    {
        return JnaShimLibrary.sb_shm_unmap(address, length);
    }

    public int shmUnlink(final String name)
    {
        return JnaShimLibrary.sb_shm_unlink(name);
    }

    public int futexWait(final long address, final int expected, final long timeoutNs)
    {
        return JnaShimLibrary.sb_futex_wait(address, expected, timeoutNs);
    }

    public int futexWake(final long address, final int count)
    {
        return JnaShimLibrary.sb_futex_wake(address, count);
    }

    public long processStartTime(final int pid)
    {
        return JnaShimLibrary.sb_proc_start_time(pid);
    }

    public int setParentDeathSignal(final int signal)
    {
        return JnaShimLibrary.sb_proc_set_parent_death_signal(signal);
    }

    public int selfPid()
    {
        return JnaShimLibrary.sb_proc_self_pid();
    }

    public String errorText(final int errorNumber)
    {
        final Pointer text = JnaShimLibrary.sb_error_text(errorNumber);
        return null == text ? "errno " + errorNumber : text.getString(0, "US-ASCII");
    }

    public Mapping map(final long address, final long length, final Runnable unmap)
    {
        if (length > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("the segment is " + length + " bytes, and the JNA backend (Java " +
                Runtime.version().feature() + ", or -Dswitchboard.native=jna) maps at most " + Integer.MAX_VALUE +
                " (2 GiB - 1): lower the CM's --channels or --ring-capacity (the segment holds --channels x 2 rings " +
                "of --ring-capacity + 384 bytes), or run the workers on JDK 22 or newer");
        }

        final ByteBuffer view = new Pointer(address).getByteBuffer(0, length);
        final SharedBuffer buffer = new ByteBufferSharedBuffer(view, address);
        final AtomicBoolean closed = new AtomicBoolean();
        return new Mapping()
        {
            public SharedBuffer buffer()
            {
                return buffer;
            }

            public void close()
            {
                if (closed.compareAndSet(false, true))
                {
                    unmap.run();
                }
            }
        };
    }

    public SharedBuffer wrap(final byte[] array)
    {
        return new ByteBufferSharedBuffer(ByteBuffer.wrap(array), 0);
    }

    public SharedBuffer wrap(final ByteBuffer buffer)
    {
        if (!buffer.isDirect())
        {
            return new ByteBufferSharedBuffer(buffer, 0);
        }
        final long base = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
        return new ByteBufferSharedBuffer(buffer, base + buffer.position());
    }

    public SharedBuffer allocate(final int length, final int alignment)
    {
        final ByteBuffer aligned = ByteBuffer.allocateDirect(length + alignment).alignedSlice(alignment);
        return wrap(aligned.limit(length).slice());
    }
}
