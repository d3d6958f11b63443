package io.switchboard.bench.ipc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.switchboard.bench.ipc.CacheLineMapping.PING_OFFSET;
import static io.switchboard.bench.ipc.CacheLineMapping.PONG_OFFSET;
import static io.switchboard.bench.ipc.CacheLineMapping.WORD;

/**
 * The peer process of {@link CacheLinePingPongBenchmark}: copies every new
 * ping word to the pong word, spinning. Exits when the benchmark JVM is gone.
 * <p>
 * Arguments: {@code mappedFile benchmarkPid}.
 */
public final class CacheLineEchoPeer
{
    private static final long PARENT_CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private CacheLineEchoPeer()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final ProcessHandle benchmark = ProcessHandle.of(Long.parseLong(args[1]))
            .orElseThrow(() -> new IllegalStateException("benchmark process " + args[1] + " is gone"));
        try (CacheLineMapping mapping = CacheLineMapping.map(Path.of(args[0])))
        {
            final MemorySegment memory = mapping.memory();
            System.out.println("cache line echo peer ready");
            long last = (long)WORD.getAcquire(memory, PING_OFFSET);
            WORD.setRelease(memory, PONG_OFFSET, last);
            long nextCheckNs = System.nanoTime() + PARENT_CHECK_INTERVAL_NS;
            int idlePolls = 0;
            while (true)
            {
                final long ping = (long)WORD.getAcquire(memory, PING_OFFSET);
                if (ping != last)
                {
                    WORD.setRelease(memory, PONG_OFFSET, ping);
                    last = ping;
                }
                else if ((++idlePolls & 1023) == 0 && System.nanoTime() - nextCheckNs > 0)
                {
                    nextCheckNs = System.nanoTime() + PARENT_CHECK_INTERVAL_NS;
                    if (!benchmark.isAlive())
                    {
                        return;
                    }
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
