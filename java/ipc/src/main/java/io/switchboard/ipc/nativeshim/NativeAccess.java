package io.switchboard.ipc.nativeshim;

import io.switchboard.ipc.memory.SharedBuffer;

import java.nio.ByteBuffer;

/**
 * How this JVM reaches the native shim ({@code libsbshim.so}) and native memory: one of two backends, chosen
 * once, at the first use, for the life of the JVM.
 * <pre>
 *   backend   found where                       needs        SharedBuffer kind
 *   -------   -------------------------------   ----------   ----------------------------------------------
 *   ffm       java/ipc-ffm, by ServiceLoader    JDK 22+      SegmentSharedBuffer (MemorySegment)
 *   jna       this module (JnaNativeAccess)     JDK 17+      ByteBufferSharedBuffer (direct ByteBuffer)
 * </pre>
 * {@link NativeAccessSelector} says how the choice is made and how to force one
 * ({@code -Dswitchboard.native=jna|ffm}). Nothing else in the code knows which backend runs: {@link Shim} is the
 * static face of the calls, {@link SharedBuffer#wrap} and the segment's mapping make the buffers.
 * <p>
 * The shim calls return what the C functions return, a non-negative result or a negated errno; {@link Shim}
 * turns the errors into exceptions. Out parameters are {@code long[]} arrays the caller owns.
 */
public interface NativeAccess
{
    /**
     * @return the backend that this JVM uses, choosing it on the first call.
     */
    static NativeAccess current()
    {
        return NativeAccessSelector.SELECTED;
    }

    /**
     * @return {@code "ffm"} or {@code "jna"}: what {@code -Dswitchboard.native} names.
     */
    String name();

    /**
     * @return whether this backend can run in this JVM: an FFM provider found on JDK 22+ says yes, and JNA always.
     */
    boolean isSupported();

    /**
     * @param out receives the mapping's address at [0].
     */
    int shmCreate(String name, long length, long[] out);

    /**
     * @param out receives the mapping's address at [0] and its length at [1].
     */
    int shmOpen(String name, long[] out);

    int shmUnmap(long address, long length);

    int shmUnlink(String name);

    int futexWait(long address, int expected, long timeoutNs);

    int futexWake(long address, int count);

    long processStartTime(int pid);

    int setParentDeathSignal(int signal);

    int selfPid();

    /**
     * @return the C library's text for a positive errno.
     */
    String errorText(int errorNumber);

    /**
     * @return a buffer over an existing mapping; {@code unmap} runs once, when the returned mapping closes.
     * @throws IllegalArgumentException when this backend cannot address that much at once.
     */
    Mapping map(long address, long length, Runnable unmap);

    SharedBuffer wrap(byte[] array);

    SharedBuffer wrap(ByteBuffer buffer);

    SharedBuffer allocate(int length, int alignment);

    /**
     * A mapping seen as one {@link SharedBuffer}; {@link #close()} unmaps it.
     */
    interface Mapping extends AutoCloseable
    {
        SharedBuffer buffer();

        /**
         * Unmaps, once. FFM then fails any later access instead of touching unmapped memory; the JNA backend cannot,
         * so its callers stop every thread that reads the buffer first (as {@code SharedSegment.close} demands).
         */
        void close();
    }
}
