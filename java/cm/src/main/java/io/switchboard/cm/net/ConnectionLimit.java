package io.switchboard.cm.net;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client connections an instance holds open at once, against {@code --max-connections}: the acceptors
 * take a place for each connection they accept and refuse it when none is left; the I/O threads give the
 * place back when the connection closes. The bound keeps the CM inside its file descriptors and its memory
 * whatever the number of clients.
 * <p>
 * Thread-safe: acceptor threads acquire, I/O threads release.
 */
public final class ConnectionLimit
{
    /** File descriptors left for the CM's own use: segment, jars, selectors, worker pipes, listeners. */
    static final int RESERVED_DESCRIPTORS = 256;
    /** Heap an idle connection costs (socket, key, connection state), with room to spare: see bench idle. */
    static final int HEAP_BYTES_PER_CONNECTION = 8 * 1024;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimit(final int max)
    {
        if (max < 1)
        {
            throw new IllegalArgumentException("max connections must be positive: " + max);
        }
        this.max = max;
    }

    /**
     * The default: what the process's file descriptor limit and heap allow, whichever is less.
     */
    public static int defaultMax()
    {
        long byDescriptors = Integer.MAX_VALUE;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix)
        {
            byDescriptors = unix.getMaxFileDescriptorCount() - RESERVED_DESCRIPTORS;
        }
        final long byHeap = Runtime.getRuntime().maxMemory() / 2 / HEAP_BYTES_PER_CONNECTION;
        return (int)Math.max(64, Math.min(Math.min(byDescriptors, byHeap), Integer.MAX_VALUE));
    }

    /**
     * @return whether a place was taken for a new connection.
     */
    public boolean tryAcquire()
    {
        while (true)
        {
            final int current = open.get();
            if (current >= max)
            {
                return false;
            }
            if (open.compareAndSet(current, current + 1))
            {
                return true;
            }
        }
    }

    public void release()
    {
        open.decrementAndGet();
    }

    public int open()
    {
        return open.get();
    }

    public int max()
    {
        return max;
    }
}
