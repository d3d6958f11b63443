package io.switchboard.jetty;

import java.util.function.Supplier;

/**
 * The {@link ChannelHttpStream}s an application keeps between exchanges, each with its Jetty channel and the
 * servlet state cached on it: an exchange takes one ({@link #acquire}) and gives it back once Jetty has recycled
 * it ({@link #release}), as a Jetty connection keeps its one channel from request to request.
 * <p>
 * A stack, so that the instance used last, whose objects are the likeliest still in a CPU cache, goes out first.
 * Bounded: as many streams are kept as exchanges ran at once, up to {@code capacity}; past it a stream given back
 * is left to the garbage collector, and an exchange that finds the stack empty makes a new one. The lock is held
 * for a few stores; handlers are virtual threads, which a monitor no longer pins on the JDKs the worker runs on.
 */
final class ChannelHttpStreamPool
{
    private final ChannelHttpStream[] streams;
    private final Supplier<ChannelHttpStream> factory;
    private int size;

    ChannelHttpStreamPool(final int capacity, final Supplier<ChannelHttpStream> factory)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity=" + capacity + ": at least one stream is kept");
        }
        this.streams = new ChannelHttpStream[capacity];
        this.factory = factory;
    }

    ChannelHttpStream acquire()
    {
        synchronized (this)
        {
            if (size > 0)
            {
                final ChannelHttpStream stream = streams[--size];
                streams[size] = null;
                return stream;
            }
        }
        return factory.get();
    }

    /**
     * @param stream a stream whose exchange succeeded (its channel recycled); a failed one is not given back.
     */
    void release(final ChannelHttpStream stream)
    {
        synchronized (this)
        {
            if (size < streams.length)
            {
                streams[size++] = stream;
            }
        }
    }

    /**
     * @return how many streams wait to be reused.
     */
    int idle()
    {
        synchronized (this)
        {
            return size;
        }
    }
}
