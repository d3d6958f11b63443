package io.switchboard.ipc.ffm;

import io.switchboard.ipc.memory.SharedBuffer;
import io.switchboard.ipc.nativeshim.NativeAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static io.switchboard.ipc.ffm.FfmShimLibrary.ERROR_TEXT;
import static io.switchboard.ipc.ffm.FfmShimLibrary.FUTEX_WAIT;
import static io.switchboard.ipc.ffm.FfmShimLibrary.FUTEX_WAKE;
import static io.switchboard.ipc.ffm.FfmShimLibrary.PROC_SELF_PID;
import static io.switchboard.ipc.ffm.FfmShimLibrary.PROC_SET_PARENT_DEATH_SIGNAL;
import static io.switchboard.ipc.ffm.FfmShimLibrary.PROC_START_TIME;
import static io.switchboard.ipc.ffm.FfmShimLibrary.SHM_CREATE;
import static io.switchboard.ipc.ffm.FfmShimLibrary.SHM_OPEN;
import static io.switchboard.ipc.ffm.FfmShimLibrary.SHM_UNLINK;
import static io.switchboard.ipc.ffm.FfmShimLibrary.SHM_UNMAP;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@link NativeAccess} of JDK 22 and newer: the shim through FFM downcalls ({@link FfmShimLibrary}), memory as
 * {@link SegmentSharedBuffer}s. Registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.switchboard.ipc.nativeshim.NativeAccess}; this jar is compiled for Java 22, and
 * {@code java/ipc} asks for it only on a JDK that can load it.
 * <p>
 * A mapping belongs to a shared {@link Arena} whose close unmaps it, so that a late access fails cleanly.
 * A {@link Throwable} from a downcall cannot happen with these descriptors; it is rethrown unchecked.
 */
public final class FfmNativeAccess implements NativeAccess
{
    public String name()
    {
        return "ffm";
    }

    public boolean isSupported()
    {
        return Runtime.version().feature() >= 22;
    }

    public int shmCreate(final String name, final long length, final long[] out)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment addressOut = arena.allocate(JAVA_LONG);
            final int rc = (int)SHM_CREATE.invokeExact(arena.allocateFrom(name), length, addressOut);
            out[0] = addressOut.get(JAVA_LONG, 0);
            return rc;
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_shm_create", t);
        }
    }

    public int shmOpen(final String name, final long[] out)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment lengthOut = arena.allocate(JAVA_LONG);
            final MemorySegment addressOut = arena.allocate(JAVA_LONG);
            final int rc = (int)SHM_OPEN.invokeExact(arena.allocateFrom(name), lengthOut, addressOut);
            out[0] = addressOut.get(JAVA_LONG, 0);
            out[1] = lengthOut.get(JAVA_LONG, 0);
            return rc;
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_shm_open", t);
        }
    }

    public int shmUnmap(final long address, final long length)
    {
        try
        {
            return (int)SHM_UNMAP.invokeExact(address, length);
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_shm_unmap", t);
        }
    }

    public int shmUnlink(final String name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)SHM_UNLINK.invokeExact(arena.allocateFrom(name));
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_shm_unlink", t);
        }
    }

    public int futexWait(final long address, final int expected, final long timeoutNs)
    {
        try
        {
            return (int)FUTEX_WAIT.invokeExact(address, expected, timeoutNs);
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_futex_wait", t);
        }
    }

    public int futexWake(final long address, final int count)
    {
        try
        {
            return (int)FUTEX_WAKE.invokeExact(address, count);
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_futex_wake", t);
        }
    }

    public long processStartTime(final int pid)
    {
        try
        {
            return (long)PROC_START_TIME.invokeExact(pid);
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_proc_start_time", t);
        }
    }

    public int setParentDeathSignal(final int signal)
    {
        try
        {
            return (int)PROC_SET_PARENT_DEATH_SIGNAL.invokeExact(signal);
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_proc_set_parent_death_signal", t);
        }
    }

    public int selfPid()
    {
        try
        {
            return (int)PROC_SELF_PID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw unexpected("sb_proc_self_pid", t);
        }
    }

    public String errorText(final int errorNumber)
    {
        try
        {
            final MemorySegment text = (MemorySegment)ERROR_TEXT.invokeExact(errorNumber);
            return text.reinterpret(256).getString(0);
        }
        catch (final Throwable t)
        {
            return "errno " + errorNumber;
        }
    }

    public Mapping map(final long address, final long length, final Runnable unmap)
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment memory = MemorySegment.ofAddress(address).reinterpret(length, arena, ignored -> unmap.run());
        final SharedBuffer buffer = new SegmentSharedBuffer(memory);
        return new Mapping()
        {
            public SharedBuffer buffer()
            {
                return buffer;
            }

            public void close()
            {
                if (arena.scope().isAlive())
                {
                    arena.close();
                }
            }
        };
    }

    public SharedBuffer wrap(final byte[] array)
    {
        return new SegmentSharedBuffer(MemorySegment.ofArray(array));
    }

    public SharedBuffer wrap(final ByteBuffer buffer)
    {
        return new SegmentSharedBuffer(MemorySegment.ofBuffer(buffer));
    }

    public SharedBuffer allocate(final int length, final int alignment)
    {
        // automatic: freed when the buffer is unreachable, like the JNA backend's direct buffers
        return new SegmentSharedBuffer(Arena.ofAuto().allocate(length, alignment));
    }

    private static RuntimeException unexpected(final String call, final Throwable t)
    {
        if (t instanceof RuntimeException runtime)
        {
            return runtime;
        }
        if (t instanceof Error error)
        {
            throw error;
        }
        return new IllegalStateException(call, t);
    }
}
