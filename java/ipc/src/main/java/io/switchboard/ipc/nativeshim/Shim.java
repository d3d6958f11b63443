package io.switchboard.ipc.nativeshim;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The FFM bindings of the native shim ({@code native/}, {@code libsbshim.so}).
 * <p>
 * Every call returns what the C function returns: a non-negative result or a
 * negated errno. The checked variants throw {@link NativeCallException}; the
 * futex calls return the raw code because their "errors" ({@code EAGAIN},
 * {@code ETIMEDOUT}) are the ordinary outcomes of a wait.
 * <p>
 * Addresses are passed as {@code long} so that the hot path (futex wait and
 * wake on a word inside the mapped segment) allocates nothing.
 * {@code futex_wake} and the process probes are short and never block, so they
 * are bound as critical (no thread-state transition); {@code futex_wait} blocks
 * and must not be.
 */
public final class Shim
{
    private static final MethodHandle SHM_CREATE;
    private static final MethodHandle SHM_OPEN;
    private static final MethodHandle SHM_UNMAP;
    private static final MethodHandle SHM_UNLINK;
    private static final MethodHandle FUTEX_WAIT;
    private static final MethodHandle FUTEX_WAKE;
    private static final MethodHandle PROC_START_TIME;
    private static final MethodHandle PROC_SET_PARENT_DEATH_SIGNAL;
    private static final MethodHandle PROC_SELF_PID;
    private static final MethodHandle ERROR_TEXT;

    static
    {
        final Linker linker = Linker.nativeLinker();
        final SymbolLookup lookup = NativeLibrary.load();
        final Linker.Option critical = Linker.Option.critical(false);

        SHM_CREATE = bind(linker, lookup, "sb_shm_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        SHM_OPEN = bind(linker, lookup, "sb_shm_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        SHM_UNMAP = bind(linker, lookup, "sb_shm_unmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        SHM_UNLINK = bind(linker, lookup, "sb_shm_unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        FUTEX_WAIT = bind(linker, lookup, "sb_futex_wait", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
        FUTEX_WAKE = bind(
            linker, lookup, "sb_futex_wake", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT), critical);
        PROC_START_TIME = bind(
            linker, lookup, "sb_proc_start_time", FunctionDescriptor.of(JAVA_LONG, JAVA_INT), critical);
        PROC_SET_PARENT_DEATH_SIGNAL = bind(
            linker, lookup, "sb_proc_set_parent_death_signal", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        PROC_SELF_PID = bind(linker, lookup, "sb_proc_self_pid", FunctionDescriptor.of(JAVA_INT), critical);
        ERROR_TEXT = bind(linker, lookup, "sb_error_text", FunctionDescriptor.of(ADDRESS, JAVA_INT), critical);
    }

    private Shim()
    {
    }

    /**
     * Creates a shared-memory object exclusively (mode 0600), sizes it, reserves every page of it
     * ({@code posix_fallocate}) and maps it. A failure leaves no object behind.
     *
     * @return the address of the mapping.
     * @throws NativeCallException naming the segment, e.g. with EEXIST if it exists, ENOSPC if {@code /dev/shm}
     *                             has not the room: then no page of it will ever fault for want of memory (SIGBUS).
     */
    public static long shmCreate(final String name, final long length)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment addressOut = arena.allocate(JAVA_LONG);
            final int rc = (int)SHM_CREATE.invokeExact(arena.allocateFrom(name), length, addressOut);
            check(rc, "shm_create", name + ", length=" + length);
            return addressOut.get(JAVA_LONG, 0);
        }
        catch (final NativeCallException ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_shm_create", t);
        }
    }

    /**
     * Opens and maps an existing shared-memory object.
     *
     * @return {@code {address, length}} of the mapping.
     */
    public static long[] shmOpen(final String name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment lengthOut = arena.allocate(JAVA_LONG);
            final MemorySegment addressOut = arena.allocate(JAVA_LONG);
            final int rc = (int)SHM_OPEN.invokeExact(arena.allocateFrom(name), lengthOut, addressOut);
            check(rc, "shm_open", name);
            return new long[]{ addressOut.get(JAVA_LONG, 0), lengthOut.get(JAVA_LONG, 0) };
        }
        catch (final NativeCallException ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_shm_open", t);
        }
    }

    public static void shmUnmap(final long address, final long length)
    {
        final int rc;
        try
        {
            rc = (int)SHM_UNMAP.invokeExact(address, length);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_shm_unmap", t);
        }

        check(rc, "munmap", "address=0x" + Long.toHexString(address) + ", length=" + length);
    }

    /**
     * Removes a shared-memory object's name.
     *
     * @return 0, or the negated errno (ENOENT when it was already gone).
     */
    public static int shmUnlink(final String name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)SHM_UNLINK.invokeExact(arena.allocateFrom(name));
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_shm_unlink", t);
        }
    }

    /**
     * Sleeps while the 32-bit word at {@code address} equals {@code expected}, at
     * most {@code timeoutNs}.
     *
     * @return 0 when woken, or -{@link Errno#EAGAIN}, -{@link Errno#ETIMEDOUT}, -{@link Errno#EINTR}.
     */
    public static int futexWait(final long address, final int expected, final long timeoutNs)
    {
        try
        {
            return (int)FUTEX_WAIT.invokeExact(address, expected, timeoutNs);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_futex_wait", t);
        }
    }

    /**
     * Wakes up to {@code count} waiters on the word at {@code address}.
     *
     * @return how many were woken, or a negated errno.
     */
    public static int futexWake(final long address, final int count)
    {
        try
        {
            return (int)FUTEX_WAKE.invokeExact(address, count);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_futex_wake", t);
        }
    }

    /**
     * @return the start time (clock ticks since boot) of a live process, or a
     * negated errno: -{@link Errno#ESRCH} when no live process has that pid.
     */
    public static long processStartTime(final int pid)
    {
        try
        {
            return (long)PROC_START_TIME.invokeExact(pid);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_proc_start_time", t);
        }
    }

    /**
     * Asks the kernel to send this process {@code signal} when the thread that started it ends
     * ({@code prctl(PR_SET_PDEATHSIG)}); {@link io.switchboard.ipc.process.ParentDeathSignal} says how to use it.
     *
     * @throws NativeCallException naming the signal when the kernel refuses it.
     */
    public static void setParentDeathSignal(final int signal)
    {
        final int rc;
        try
        {
            rc = (int)PROC_SET_PARENT_DEATH_SIGNAL.invokeExact(signal);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_proc_set_parent_death_signal", t);
        }

        check(rc, "prctl(PR_SET_PDEATHSIG)", "signal=" + signal);
    }

    public static int selfPid()
    {
        try
        {
            return (int)PROC_SELF_PID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("sb_proc_self_pid", t);
        }
    }

    /**
     * @return the kernel's description of a (positive) errno value.
     */
    public static String errorText(final int errorNumber)
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

    private static void check(final int rc, final String call, final String subject)
    {
        if (rc < 0)
        {
            throw new NativeCallException(call, subject, -rc);
        }
    }

    private static MethodHandle bind(
        final Linker linker,
        final SymbolLookup lookup,
        final String name,
        final FunctionDescriptor descriptor,
        final Linker.Option... options)
    {
        final MemorySegment symbol = lookup.find(name).orElseThrow(
            () -> new IllegalStateException("native shim lacks symbol " + name + ": rebuild it (./switchboard build)"));
        return linker.downcallHandle(symbol, descriptor, options);
    }
}
