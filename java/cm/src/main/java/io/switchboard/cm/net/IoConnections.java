package io.switchboard.cm.net;

import io.switchboard.ipc.channel.ChannelId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The connections of one {@link IoThread} and what each waits for: those queued for a channel or a ready
 * worker (retried in arrival order), those whose ring was full (retried each pass), and every one's
 * deadline (checked on the timer). A connection whose handling throws is handed to the failure handler,
 * which closes it: one connection's fault never reaches the others.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class IoConnections
{
    private static final Logger LOG = LoggerFactory.getLogger(IoConnections.class);

    private final int index;
    private final int maxWaiting;
    private final Set<Connection> all = new HashSet<>();
    private Connection[] timerScratch = new Connection[64];
    private final ArrayDeque<Connection> waiting = new ArrayDeque<>();
    /** The queue's length, for the metrics scrape on another thread; stored when the queue changes. */
    private volatile int waitingCount;
    private final List<Connection> blocked = new ArrayList<>();
    private final List<Connection> blockedScratch = new ArrayList<>();

    IoConnections(final int index, final int maxWaiting)
    {
        this.index = index;
        this.maxWaiting = maxWaiting;
    }

    /**
     * A connection's handling threw: a bug, or memory running out. It costs that connection, never the
     * thread's others; the worker is not blamed (what a worker wrote wrong is caught, and reported, where it
     * is read).
     */
    void failed(final Connection connection, final Throwable cause)
    {
        LOG.error("I/O thread {}: a connection failed and is closed (channel {}, worker {})", index,
            ChannelId.toString(connection.channelId()), connection.workerSlot(), cause);
        try
        {
            connection.abandon();
        }
        catch (final Throwable ex)
        {
            LOG.error("I/O thread {}: abandoning the failed connection failed too; closing it", index, ex);
            connection.close();
        }
    }


    void add(final Connection connection)
    {
        all.add(connection);
    }

    /**
     * @return whether it was one of this thread's (then its place under --max-connections is to be returned).
     */
    boolean remove(final Connection connection)
    {
        blocked.remove(connection);
        return all.remove(connection);
    }

    boolean isEmpty()
    {
        return all.isEmpty();
    }

    /**
     * Queues a connection until a worker or channel is free; {@link Connection#retryDispatch()} is retried in
     * order.
     *
     * @return false when the queue is full: the connection must fail what it wanted.
     */
    boolean enqueue(final Connection connection)
    {
        if (waiting.size() >= maxWaiting)
        {
            return false;
        }
        waiting.add(connection);
        waitingCount = waiting.size();
        return true;
    }

    void dequeue(final Connection connection)
    {
        if (waiting.remove(connection))
        {
            waitingCount = waiting.size();
        }
    }

    /**
     * Any thread: connections waiting for a worker or channel, as last stored by this I/O thread.
     */
    int waitingCount()
    {
        return waitingCount;
    }

    boolean hasWaiting()
    {
        return !waiting.isEmpty();
    }

    void blockedOnRing(final Connection connection)
    {
        if (!blocked.contains(connection))
        {
            blocked.add(connection);
        }
    }

    boolean hasBlocked()
    {
        return !blocked.isEmpty();
    }

    /**
     * @return connections that moved on.
     */
    int retryBlocked()
    {
        if (blocked.isEmpty())
        {
            return 0;
        }
        blockedScratch.addAll(blocked);
        blocked.clear();
        for (final Connection connection : blockedScratch)
        {
            try
            {
                connection.onRingSpace();
            }
            catch (final Throwable ex)
            {
                failed(connection, ex);
            }
        }
        final int work = blockedScratch.size() - blocked.size();
        blockedScratch.clear();
        return Math.max(work, 0);
    }

    /**
     * @return connections that got what they waited for.
     */
    int retryWaiting()
    {
        int work = 0;
        while (!waiting.isEmpty())
        {
            final Connection next = waiting.peek();
            try
            {
                if (!next.retryDispatch())
                {
                    break;
                }
            }
            catch (final Throwable ex)
            {
                waiting.poll();
                waitingCount = waiting.size();
                failed(next, ex);
                continue;
            }
            waiting.poll();
            work++;
        }
        if (work > 0)
        {
            waitingCount = waiting.size();
        }
        return work;
    }

    void checkTimeouts(final long nowNs)
    {
        // a copy, because a timeout closes its connection; the array is kept and only grows
        timerScratch = all.toArray(timerScratch);
        final int count = all.size();
        for (int i = 0; i < count; i++)
        {
            final Connection connection = timerScratch[i];
            timerScratch[i] = null;
            try
            {
                connection.checkTimeout(nowNs);
            }
            catch (final Throwable ex)
            {
                failed(connection, ex);
            }
        }
    }

    void closeAll()
    {
        for (final Connection connection : all.toArray(new Connection[0]))
        {
            connection.close();
        }
    }
}
