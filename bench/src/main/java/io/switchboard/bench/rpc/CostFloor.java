package io.switchboard.bench.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Two costs that any design of "N client threads make synchronous calls over loopback TCP" pays on this machine,
 * measured on their own so the RPC figures can be read against them:
 * <ul>
 *     <li>the hand-off: N threads that each publish a request and park until a server thread (polling, never
 *     sleeping) marks it answered and unparks them. No I/O, no codec: the most calls/s that N parking callers
 *     can make on these cores, whatever carries the calls;</li>
 *     <li>one 64-byte write on a loopback TCP connection: the CPU time of the writing thread's system call, which
 *     on loopback includes the receiving side's TCP work.</li>
 * </ul>
 * A call costs the whole machine (cores / calls per second) of CPU; what is left of that budget after the
 * hand-off is what the sockets, the CM, the worker and the codecs can spend.
 */
final class CostFloor
{
    private static final int PAYLOAD = 64;

    private CostFloor()
    {
    }

    /**
     * What one request carries: who waits, and whether it was answered.
     */
    private static final class Request
    {
        final Thread caller;
        volatile boolean answered;

        Request(final Thread caller)
        {
            this.caller = caller;
        }
    }

    /**
     * @return calls/s made by {@code threads} parking callers against one polling server thread.
     */
    static double handoffCallsPerSecond(final int threads, final long durationMs) throws InterruptedException
    {
        final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
        final LongAdder calls = new LongAdder();
        final long warmEndNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs / 4);
        final long endNs = warmEndNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
        final Thread server = Thread.ofPlatform().daemon().name("floor-server").start(() ->
        {
            while (System.nanoTime() - endNs < 0)
            {
                final Request request = queue.poll();
                if (request == null)
                {
                    Thread.yield();
                    continue;
                }
                request.answered = true;
                LockSupport.unpark(request.caller);
            }
        });
        final Thread[] callers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            callers[t] = Thread.ofPlatform().name("floor-caller-" + t).start(() ->
            {
                long now = System.nanoTime();
                while (now - endNs < 0)
                {
                    final Request request = new Request(Thread.currentThread());
                    queue.add(request);
                    while (!request.answered && System.nanoTime() - endNs < 0)
                    {
                        LockSupport.parkNanos(request, 10_000_000L);
                    }
                    now = System.nanoTime();
                    if (now - warmEndNs >= 0 && request.answered)
                    {
                        calls.increment();
                    }
                }
            });
        }
        for (final Thread caller : callers)
        {
            caller.join();
        }
        server.join(1_000);
        return calls.sum() * 1e3 / durationMs;
    }

    /**
     * @return CPU nanoseconds of the writing thread per 64-byte write to a loopback TCP connection drained by
     *     another thread.
     */
    static double loopbackWriteCpuNs(final int writes) throws IOException, InterruptedException
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept())
        {
            client.setTcpNoDelay(true);
            final Thread drain = Thread.ofPlatform().daemon().name("floor-drain").start(() ->
            {
                final byte[] buffer = new byte[64 * 1024];
                try (InputStream in = server.getInputStream())
                {
                    while (in.read(buffer) >= 0)
                    {
                        // discard
                    }
                }
                catch (final IOException ignore)
                {
                    // closed at the end
                }
            });
            final OutputStream out = client.getOutputStream();
            final byte[] frame = new byte[PAYLOAD];
            for (int i = 0; i < writes / 4; i++)
            {
                out.write(frame);
            }
            final long cpuStartNs = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < writes; i++)
            {
                out.write(frame);
            }
            final long cpuNs = threads.getCurrentThreadCpuTime() - cpuStartNs;
            client.shutdownOutput();
            drain.join(5_000);
            return (double)cpuNs / writes;
        }
    }
}
