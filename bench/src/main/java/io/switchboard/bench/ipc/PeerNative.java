package io.switchboard.bench.ipc;

import java.util.Locale;

/**
 * The native backend a peer process of a shared-memory benchmark runs on. The
 * benchmark JVM, the CM's side, always runs FFM; a worker may run either,
 * since a worker on Java 17 to 21 has no FFM. Measuring the same round trip
 * with the peer on each backend shows what a worker pays for running on JNA:
 * its ring reads and writes go through a direct {@link java.nio.ByteBuffer}
 * over the mapping instead of a {@link java.lang.foreign.MemorySegment}, and
 * its futex calls through JNA instead of a downcall handle.
 * <p>
 * The backend is chosen once per JVM, so it is a JVM option of the peer and
 * not an argument: see {@code io.switchboard.ipc.nativeshim.NativeAccessSelector}.
 */
public enum PeerNative
{
    /** FFM, {@code MemorySegment} over the mapping: JDK 22+, what the CM runs. */
    FFM,

    /** JNA, a direct {@code ByteBuffer} over the mapping: what a worker on Java 17 to 21 runs. */
    JNA;

    /** The system property that {@code NativeAccessSelector} reads; package-private there. */
    private static final String PROPERTY = "switchboard.native";

    /**
     * Names the backend outright rather than leaving it to {@code auto}: a
     * backend named this way fails loudly where it cannot run, so a row of
     * the report never measures the other backend by mistake.
     *
     * @return the JVM option that makes a peer process run this backend.
     */
    String jvmOption()
    {
        return "-D" + PROPERTY + "=" + name().toLowerCase(Locale.ROOT);
    }
}
