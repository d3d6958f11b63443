package io.switchboard.ipc.ffm;

import io.switchboard.ipc.nativeshim.NativeLibrary;

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
 * The FFM downcall handles of the shim, bound when first used (so that making buffers never loads the library).
 * {@code futex_wake} and the process probes are short and never block, so they are bound as critical (no
 * thread-state transition); {@code futex_wait} blocks and must not be.
 */
final class FfmShimLibrary
{
    static final MethodHandle SHM_CREATE;
    static final MethodHandle SHM_OPEN;
    static final MethodHandle SHM_UNMAP;
    static final MethodHandle SHM_UNLINK;
    static final MethodHandle FUTEX_WAIT;
    static final MethodHandle FUTEX_WAKE;
    static final MethodHandle PROC_START_TIME;
    static final MethodHandle PROC_SET_PARENT_DEATH_SIGNAL;
    static final MethodHandle PROC_SELF_PID;
    static final MethodHandle ERROR_TEXT;

    static
    {
        final Linker linker = Linker.nativeLinker();
        final SymbolLookup lookup = SymbolLookup.libraryLookup(NativeLibrary.path(), Arena.global());
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

    private FfmShimLibrary()
    {
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
