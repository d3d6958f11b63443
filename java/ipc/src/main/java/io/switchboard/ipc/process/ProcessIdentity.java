package io.switchboard.ipc.process;

import io.switchboard.ipc.nativeshim.Errno;
import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.nativeshim.Shim;

/**
 * A process named so that pid reuse cannot fool us: the pid and the start time
 * the kernel gives it (clock ticks since boot). A later process with the same
 * pid has a later start time, so {@link #isAlive()} is false for it.
 *
 * @param pid       the process id.
 * @param startTime its start time in clock ticks since boot, as in {@code /proc/<pid>/stat}.
 */
public record ProcessIdentity(int pid, long startTime)
{
    private static final ProcessIdentity SELF = of(Shim.selfPid());

    /**
     * @return this process.
     */
    public static ProcessIdentity self()
    {
        return SELF;
    }

    /**
     * @return the live process with this pid now.
     * @throws NativeCallException with ESRCH when there is none.
     */
    public static ProcessIdentity of(final int pid)
    {
        final long startTime = Shim.processStartTime(pid);
        if (startTime < 0)
        {
            throw new NativeCallException("proc_start_time", "pid=" + pid, (int)-startTime);
        }

        return new ProcessIdentity(pid, startTime);
    }

    /**
     * Never blocks; reads {@code /proc/<pid>/stat}. A zombie counts as dead.
     *
     * @return true while this very process (not another one with its pid) runs.
     */
    public boolean isAlive()
    {
        final long current = Shim.processStartTime(pid);
        if (current >= 0)
        {
            return current == startTime;
        }

        if (-current == Errno.ESRCH)
        {
            return false;
        }

        // Any other failure (EACCES, EMFILE) says nothing about the process: do not declare it dead.
        return true;
    }

    @Override
    public String toString()
    {
        return "pid " + pid + " (start time " + startTime + ")";
    }
}
