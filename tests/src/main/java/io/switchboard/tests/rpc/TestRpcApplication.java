package io.switchboard.tests.rpc;

import io.switchboard.rpc.RpcApplication;
import io.switchboard.rpc.ServiceOption;
import io.switchboard.rpc.ServiceRegistry;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tests' distributed application, {@code test}, hosted by the workers of every {@code Instance}.
 */
public final class TestRpcApplication implements RpcApplication
{
    private static final AtomicInteger TRACKED_OPEN = new AtomicInteger();
    private static final AtomicInteger SLEEPS_INTERRUPTED = new AtomicInteger();
    private static final AtomicInteger SLEEPS_STARTED = new AtomicInteger();

    public String name()
    {
        return "test";
    }

    public void deploy(final ServiceRegistry services)
    {
        services.deploy("probe", TestServices.Probe.class, context -> new TestServices.Probe()
        {
            public long pid()
            {
                return ProcessHandle.current().pid();
            }

            public int trackedOpen()
            {
                return TRACKED_OPEN.get();
            }

            public int sleepsInterrupted()
            {
                return SLEEPS_INTERRUPTED.get();
            }

            public int sleepsStarted()
            {
                return SLEEPS_STARTED.get();
            }
        }, ServiceOption.SHARED, ServiceOption.CONCURRENT);
        services.deploy("tracked", TestServices.Tracked.class, context -> new TrackedObject());
        services.deploy("slow", TestServices.Slow.class, context -> new SlowObject(), ServiceOption.SHARED,
            ServiceOption.CONCURRENT);
        services.deploy("relay", TestServices.Relay.class, context -> (listener, count) ->
        {
            long sum = 0;
            for (int i = 1; i <= count; i++)
            {
                sum += listener.onEvent(i);
            }
            return sum;
        }, ServiceOption.CONCURRENT);
        services.deploy("values", TestServices.Values.class, context -> value -> value);
        services.deploy("blob", TestServices.Blob.class, context -> (length, seed) ->
        {
            final byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                bytes[i] = TestServices.patternByte(i, seed);
            }
            return bytes;
        }, ServiceOption.CONCURRENT);
    }

    private static final class TrackedObject implements TestServices.Tracked, AutoCloseable
    {
        private final AtomicInteger touches = new AtomicInteger();
        private boolean closed;

        TrackedObject()
        {
            TRACKED_OPEN.incrementAndGet();
        }

        public int touch()
        {
            return touches.incrementAndGet();
        }

        public synchronized void close()
        {
            if (!closed)
            {
                closed = true;
                TRACKED_OPEN.decrementAndGet();
            }
        }
    }

    private static final class SlowObject implements TestServices.Slow
    {
        private final java.util.Map<Integer, CyclicBarrier> barriers = new java.util.concurrent.ConcurrentHashMap<>();

        public boolean sleep(final long ms)
        {
            SLEEPS_STARTED.incrementAndGet();
            try
            {
                Thread.sleep(ms);
                return true;
            }
            catch (final InterruptedException ex)
            {
                SLEEPS_INTERRUPTED.incrementAndGet();
                return false;
            }
        }

        public boolean awaitFile(final String path)
        {
            SLEEPS_STARTED.incrementAndGet();
            final java.nio.file.Path gate = java.nio.file.Path.of(path);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try
            {
                while (!java.nio.file.Files.exists(gate))
                {
                    if (System.nanoTime() - deadlineNs > 0)
                    {
                        return false;
                    }
                    Thread.sleep(5);
                }
                return true;
            }
            catch (final InterruptedException ex)
            {
                return false;
            }
        }

        public boolean meet(final int parties)
        {
            final CyclicBarrier barrier = barriers.computeIfAbsent(parties, CyclicBarrier::new);
            try
            {
                barrier.await(10, TimeUnit.SECONDS);
                return true;
            }
            catch (final InterruptedException | BrokenBarrierException | TimeoutException ex)
            {
                barrier.reset();
                return false;
            }
        }
    }
}
