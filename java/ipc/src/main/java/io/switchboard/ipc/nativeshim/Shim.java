package io.switchboard.ipc.nativeshim;

/**
 * The calls of the native shim ({@code native/}, {@code libsbshim.so}), through whichever {@link NativeAccess}
 * this JVM chose (FFM on JDK 22+, JNA otherwise).
 * <p>
 * Every call returns what the C function returns: a non-negative result or a
 * negated errno. The checked variants throw {@link NativeCallException}; the
 * futex calls return the raw code because their "errors" ({@code EAGAIN},
 * {@code ETIMEDOUT}) are the ordinary outcomes of a wait.
 * <p>
 * Addresses are passed as {@code long} so that the hot path (futex wait and
 * wake on a word inside the mapped segment) allocates nothing. {@link #ACCESS}
 * is a constant with one implementation loaded, so the JIT inlines through it.
 */
public final class Shim
{
    private static final NativeAccess ACCESS = NativeAccess.current();

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
        final long[] out = new long[1];
        check(ACCESS.shmCreate(name, length, out), "shm_create", name + ", length=" + length);
        return out[0];
    }

    /**
     * Opens and maps an existing shared-memory object.
     *
     * @return {@code {address, length}} of the mapping.
     */
    public static long[] shmOpen(final String name)
    {
        final long[] out = new long[2];
        check(ACCESS.shmOpen(name, out), "shm_open", name);
        return out;
    }

    public static void shmUnmap(final long address, final long length)
    {
        check(ACCESS.shmUnmap(address, length), "munmap", "address=0x" + Long.toHexString(address) + ", length=" + length);
    }

    /**
     * Removes a shared-memory object's name.
     *
     * @return 0, or the negated errno (ENOENT when it was already gone).
     */
    public static int shmUnlink(final String name)
    {
        return ACCESS.shmUnlink(name);
    }

    /**
     * Sleeps while the 32-bit word at {@code address} equals {@code expected}, at
     * most {@code timeoutNs}.
     *
     * @return 0 when woken, or -{@link Errno#EAGAIN}, -{@link Errno#ETIMEDOUT}, -{@link Errno#EINTR}.
     */
    public static int futexWait(final long address, final int expected, final long timeoutNs)
    {
        return ACCESS.futexWait(address, expected, timeoutNs);
    }

    /**
     * Wakes up to {@code count} waiters on the word at {@code address}.
     *
     * @return how many were woken, or a negated errno.
     */
    public static int futexWake(final long address, final int count)
    {
        return ACCESS.futexWake(address, count);
    }

    /**
     * @return the start time (clock ticks since boot) of a live process, or a
     * negated errno: -{@link Errno#ESRCH} when no live process has that pid.
     */
    public static long processStartTime(final int pid)
    {
        return ACCESS.processStartTime(pid);
    }

    /**
     * Asks the kernel to send this process {@code signal} when the thread that started it ends
     * ({@code prctl(PR_SET_PDEATHSIG)}); {@link io.switchboard.ipc.process.ParentDeathSignal} says how to use it.
     *
     * @throws NativeCallException naming the signal when the kernel refuses it.
     */
    public static void setParentDeathSignal(final int signal)
    {
        check(ACCESS.setParentDeathSignal(signal), "prctl(PR_SET_PDEATHSIG)", "signal=" + signal);
    }

    public static int selfPid()
    {
        return ACCESS.selfPid();
    }

    /**
     * @return the kernel's description of a (positive) errno value.
     */
    public static String errorText(final int errorNumber)
    {
        try
        {
            return ACCESS.errorText(errorNumber);
        }
        catch (final RuntimeException | LinkageError ex)
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
}
