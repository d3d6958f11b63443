package io.switchboard.ipc.nativeshim;

/**
 * A call into the native shim failed. The message names the call, what it was
 * called on (a segment name, an address, a pid) and the kernel's error text.
 */
public final class NativeCallException extends RuntimeException
{
    private final String call;
    private final int errorNumber;

    public NativeCallException(final String call, final String subject, final int errorNumber)
    {
        super(call + "(" + subject + ") failed: " + Shim.errorText(errorNumber) + " (errno=" + errorNumber + ")");
        this.call = call;
        this.errorNumber = errorNumber;
    }

    /**
     * @return the shim function that failed, e.g. {@code shm_open}.
     */
    public String call()
    {
        return call;
    }

    /**
     * @return the positive errno value, e.g. {@link Errno#ENOENT}.
     */
    public int errorNumber()
    {
        return errorNumber;
    }
}
