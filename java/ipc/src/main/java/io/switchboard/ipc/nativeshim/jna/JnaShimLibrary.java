package io.switchboard.ipc.nativeshim.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.switchboard.ipc.nativeshim.NativeLibrary;

/**
 * The shim's functions bound by JNA's direct mapping ({@link Native#register}): each {@code native} method below
 * is linked to the C function of the same name, with no reflection or boxing per call, as close to a plain JNI
 * call as JNA gets. Loaded when first called, from the same file FFM loads ({@link NativeLibrary#path()}).
 * Signatures mirror {@code native/include/sb_shim.h}; {@code uint64_t} addresses travel as {@code long}.
 */
final class JnaShimLibrary
{
    static
    {
        Native.register(JnaShimLibrary.class, com.sun.jna.NativeLibrary.getInstance(NativeLibrary.path().toString()));
    }

    private JnaShimLibrary()
    {
    }

    static native int sb_shm_create(String name, long length, long[] addressOut);

    static native int sb_shm_open(String name, long[] lengthOut, long[] addressOut);

    static native int sb_shm_unmap(long address, long length);

    static native int sb_shm_unlink(String name);

    static native int sb_futex_wait(long address, int expected, long timeoutNs);

    static native int sb_futex_wake(long address, int count);

    static native long sb_proc_start_time(int pid);

    static native int sb_proc_set_parent_death_signal(int signal);

    static native int sb_proc_self_pid();

    static native Pointer sb_error_text(int errorNumber);
}
