package io.switchboard.bench.ipc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Two 64-bit words, each on a 128-byte block of its own, in a file of
 * {@code /dev/shm} mapped shared by two processes: the memory of
 * {@link CacheLinePingPongBenchmark}, made with the JDK alone so that the
 * hardware floor it measures owes nothing to Switchboard's code.
 */
final class CacheLineMapping implements AutoCloseable
{
    static final long PING_OFFSET = 0;
    static final long PONG_OFFSET = 128;
    static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private static final long LENGTH = 4096;

    private final Arena arena;
    private final MemorySegment memory;

    private CacheLineMapping(final Arena arena, final MemorySegment memory)
    {
        this.arena = arena;
        this.memory = memory;
    }

    static CacheLineMapping map(final Path file) throws IOException
    {
        final Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            // mapping READ_WRITE past the end grows the file, with zeros
            return new CacheLineMapping(arena, channel.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH, arena));
        }
        catch (final IOException | RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }

    MemorySegment memory()
    {
        return memory;
    }

    public void close()
    {
        arena.close();
    }
}
