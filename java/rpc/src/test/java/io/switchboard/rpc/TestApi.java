package io.switchboard.rpc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remote interfaces and services the engine tests deploy.
 */
final class TestApi
{
    private TestApi()
    {
    }

    @Remote
    public interface Echo
    {
        byte[] echo(byte[] bytes);

        String text(String text);
    }

    @Remote
    public interface EchoAsync
    {
        CompletableFuture<byte[]> echo(byte[] bytes);

        CompletableFuture<String> text(String text);
    }

    public static class EchoService implements Echo
    {
        @Override
        public byte[] echo(final byte[] bytes)
        {
            return bytes;
        }

        @Override
        public String text(final String text)
        {
            return text;
        }
    }

    @Remote
    public interface Counter
    {
        int increment();

        int value();
    }

    public static final class CounterService implements Counter, AutoCloseable
    {
        static final AtomicInteger CLOSED = new AtomicInteger();
        private int value;

        @Override
        public int increment()
        {
            return ++value;
        }

        @Override
        public int value()
        {
            return value;
        }

        @Override
        public void close()
        {
            CLOSED.incrementAndGet();
        }
    }

    public enum Colour
    {
        RED, GREEN
    }

    public record Point(int x, int y)
    {
    }

    public record Shape(String name, Colour colour, List<Point> points, Map<String, Integer> tags,
        Optional<String> note, byte[] data)
    {
    }

    @Remote
    public interface Types
    {
        Shape shape(Shape shape);

        Optional<Point> maybe(Optional<Point> point);

        List<Map<String, List<Colour>>> nested(List<Map<String, List<Colour>>> value);

        long sum(int a, long b, double c, boolean d, short e);

        Object anything(Object value);

        void nothing();

        Colour colour(Colour colour);
    }

    public static final class TypesService implements Types
    {
        @Override
        public Shape shape(final Shape shape)
        {
            return shape;
        }

        @Override
        public Optional<Point> maybe(final Optional<Point> point)
        {
            return point;
        }

        @Override
        public List<Map<String, List<Colour>>> nested(final List<Map<String, List<Colour>>> value)
        {
            return value;
        }

        @Override
        public long sum(final int a, final long b, final double c, final boolean d, final short e)
        {
            return a + b + (long)c + (d ? 1 : 0) + e;
        }

        @Override
        public Object anything(final Object value)
        {
            return value;
        }

        @Override
        public void nothing()
        {
        }

        @Override
        public Colour colour(final Colour colour)
        {
            return colour;
        }
    }

    @Remote
    public interface Slow
    {
        /**
         * Blocks until released or interrupted; returns whether it was interrupted.
         */
        boolean block(int id);

        int order(int sequence);

        void fail(String message);

        CompletableFuture<String> later(String value);
    }

    @Remote
    public interface SlowAsync
    {
        CompletableFuture<Boolean> block(int id);
    }

    public static final class SlowService implements Slow
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final java.util.concurrent.ConcurrentLinkedQueue<Integer> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        final CompletableFuture<String> pending = new CompletableFuture<>();

        @Override
        public boolean block(final int id)
        {
            started.countDown();
            try
            {
                if (!release.await(10, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("never released");
                }
                interrupted.complete(false);
                return false;
            }
            catch (final InterruptedException ex)
            {
                interrupted.complete(true);
                return true;
            }
        }

        @Override
        public int order(final int sequence)
        {
            final int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            seen.add(sequence);
            running.decrementAndGet();
            return sequence;
        }

        @Override
        public void fail(final String message)
        {
            throw new IllegalStateException(message);
        }

        @Override
        public CompletableFuture<String> later(final String value)
        {
            return pending.thenApply(v -> v + value);
        }
    }

    @Remote
    public interface Listener
    {
        void onEvent(String event);

        int count();
    }

    @Remote
    public interface Notifier
    {
        /**
         * Calls the listener {@code times} times while the call is in flight; returns the listener's count.
         */
        int notify(Listener listener, int times);

        Listener echoListener(Listener listener);

        boolean same(Listener a, Listener b);
    }

    public static final class NotifierService implements Notifier
    {
        @Override
        public int notify(final Listener listener, final int times)
        {
            for (int i = 0; i < times; i++)
            {
                listener.onEvent("event " + i);
            }
            return listener.count();
        }

        @Override
        public Listener echoListener(final Listener listener)
        {
            return listener;
        }

        @Override
        public boolean same(final Listener a, final Listener b)
        {
            return a == b;
        }
    }

    public static final class CountingListener implements Listener
    {
        final java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onEvent(final String event)
        {
            events.add(event);
        }

        @Override
        public int count()
        {
            return events.size();
        }
    }

    @Remote
    public interface Overloaded
    {
        void go(int a);

        void go(String a);
    }

    public static DeployedServices standardServices()
    {
        return SessionPair.services(r ->
        {
            r.deploy("echo", Echo.class, c -> new EchoService());
            r.deploy("counter", Counter.class, c -> new CounterService());
            r.deploy("shared-counter", Counter.class, c -> new CounterService(), ServiceOption.SHARED);
            r.deploy("types", Types.class, c -> new TypesService());
            r.deploy("notifier", Notifier.class, c -> new NotifierService());
        });
    }
}
