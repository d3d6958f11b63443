package io.switchboard.ipc.nativeshim;

/**
 * The errno values (Linux, every architecture we build for) that Java code
 * acts on. The shim returns them negated.
 */
public final class Errno
{
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    /** No space left on the device: /dev/shm cannot hold a segment's pages. */
    public static final int ENOSPC = 28;
    public static final int ETIMEDOUT = 110;

    private Errno()
    {
    }
}
