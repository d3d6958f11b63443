package io.switchboard.cm.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The distributed sessions an instance holds at once, in all and per client address: a session holds a
 * channel for as long as it lasts, so without a bound of their own idle sessions could take every channel
 * and leave HTTP requests none. Sessions over a bound are refused at once (WELCOME status
 * {@link io.switchboard.protocol.rpc.RpcHandshake#STATUS_TOO_MANY_SESSIONS}), not queued.
 * <p>
 * Thread-safe: every I/O thread takes and gives back places.
 */
public final class SessionLimit
{
    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    /** Sessions per address; an address with none has no entry. Updated with compute: atomic per address. */
    private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();

    /**
     * @param max           sessions in all; fewer than the channels, so that HTTP always has some.
     * @param maxPerAddress sessions from one client address.
     */
    public SessionLimit(final int max, final int maxPerAddress)
    {
        if (max < 1 || maxPerAddress < 1)
        {
            throw new IllegalArgumentException("session limits must be positive: max=" + max +
                " maxPerAddress=" + maxPerAddress);
        }
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * @return null when a place was taken for a session from {@code address}, else why not (for the WELCOME).
     */
    public String tryAcquire(final InetAddress address)
    {
        int total;
        do
        {
            total = open.get();
            if (total >= max)
            {
                return "the instance holds its limit of " + max + " sessions (--max-sessions); retry later";
            }
        }
        while (!open.compareAndSet(total, total + 1));
        final boolean[] overAddress = new boolean[1];
        byAddress.compute(address, (ignored, count) ->
        {
            final int current = count == null ? 0 : count;
            overAddress[0] = current >= maxPerAddress;
            return overAddress[0] ? count : Integer.valueOf(current + 1);
        });
        if (overAddress[0])
        {
            open.decrementAndGet();
            return "your address holds its limit of " + maxPerAddress + " sessions (--max-sessions-per-address)";
        }
        return null;
    }

    public void release(final InetAddress address)
    {
        open.decrementAndGet();
        byAddress.compute(address, (ignored, count) -> count == null || count <= 1 ? null : Integer.valueOf(count - 1));
    }

    public int open()
    {
        return open.get();
    }
}
