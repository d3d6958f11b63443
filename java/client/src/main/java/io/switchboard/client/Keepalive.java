package io.switchboard.client;

import io.switchboard.rpc.thread.HandlerThreads;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an idle session alive, and finds a dead connection. When nothing was sent or received for the interval, it
 * sends a PING (docs/rpc-protocol.md, section 3.3), which counts as traffic for a CM that ends idle sessions, and
 * which the worker answers with a PONG. When nothing at all comes back within another interval, the connection is
 * taken as dead: the session ends, and its calls fail with {@link io.switchboard.rpc.SessionLostException} saying so.
 * <p>
 * One virtual thread per session, asleep between looks, {@link #LOOKS_PER_INTERVAL} per interval: a PING goes out
 * between one and one and a quarter intervals after the last frame. The call path pays nothing for it: a look
 * compares the counts of frames sent and of reads made that the writer and the reader keep anyway.
 */
final class Keepalive
{
    static final int LOOKS_PER_INTERVAL = 4;
    private static final Logger LOG = LoggerFactory.getLogger(Keepalive.class);

    private final String name;
    private final long intervalNs;
    private final LongSupplier framesSent;
    private final LongSupplier readsWithBytes;
    private final Supplier<CompletableFuture<Void>> ping;
    private final Consumer<IOException> onDead;
    private final Thread thread;
    private volatile boolean stopped;
    // the looking thread's own
    private long lastFramesSent;
    private long lastReads;
    private long quietSinceNs;
    /** The PING in flight, answered by nothing yet; null for none. */
    private CompletableFuture<Void> pong;
    private long pingSentNs;
    private long quietNsAtPing;
    private long readsAtPing;

    /**
     * @param name the session's, for the log and the error.
     * @param intervalNs how long the session may be quiet before a PING, and the PING unanswered before the end.
     * @param framesSent the writer's count of frames sent.
     * @param readsWithBytes the reader's count of reads that returned bytes.
     * @param ping sends a PING; its future completes with the PONG, or exceptionally once the session is over.
     * @param onDead told when nothing answered a PING: ends the session.
     * @param nowNs when the session opened: it is quiet from then.
     */
    Keepalive(final String name, final long intervalNs, final LongSupplier framesSent,
        final LongSupplier readsWithBytes, final Supplier<CompletableFuture<Void>> ping,
        final Consumer<IOException> onDead, final long nowNs)
    {
        if (intervalNs < LOOKS_PER_INTERVAL)
        {
            throw new IllegalArgumentException("intervalNs=" + intervalNs + " (>= " + LOOKS_PER_INTERVAL + ")");
        }
        this.name = name;
        this.intervalNs = intervalNs;
        this.framesSent = framesSent;
        this.readsWithBytes = readsWithBytes;
        this.ping = ping;
        this.onDead = onDead;
        this.lastFramesSent = framesSent.getAsLong();
        this.lastReads = readsWithBytes.getAsLong();
        this.quietSinceNs = nowNs;
        // a virtual thread on Java 21+, a daemon platform thread on 17: it sleeps between looks, either will do
        this.thread = HandlerThreads.factory("switchboard keepalive: " + name).newThread(this::run);
        this.thread.setName("switchboard keepalive: " + name);
    }

    void start()
    {
        thread.start();
    }

    /**
     * The session is over: looks end.
     */
    void stop()
    {
        stopped = true;
        LockSupport.unpark(thread);
    }

    /**
     * One look at the counts; the looking thread's (tests call it with a clock of their own).
     *
     * @return whether to look again: false once the session is over, or taken as dead.
     */
    boolean look(final long nowNs)
    {
        final long sent = framesSent.getAsLong();
        final long reads = readsWithBytes.getAsLong();
        if (pong != null)
        {
            if (pong.isCompletedExceptionally())
            {
                return false;
            }
            if (pong.isDone() || reads != readsAtPing)
            {
                pong = null;
            }
            else if (nowNs - pingSentNs >= intervalNs)
            {
                pong = null;
                final IOException dead = new IOException("no frame from the CM within " + millis(nowNs - pingSentNs) +
                    " ms of a PING, sent after " + millis(quietNsAtPing) + " ms with no frames " +
                    "either way: the connection is taken as dead (the keepalive interval is " + millis(intervalNs) +
                    " ms)");
                LOG.warn("{}: {}", name, dead.getMessage());
                onDead.accept(dead);
                return false;
            }
        }
        if (sent != lastFramesSent || reads != lastReads)
        {
            lastFramesSent = sent;
            lastReads = reads;
            quietSinceNs = nowNs;
            return true;
        }
        if (pong == null && nowNs - quietSinceNs >= intervalNs)
        {
            readsAtPing = reads;
            pingSentNs = nowNs;
            quietNsAtPing = nowNs - quietSinceNs;
            pong = ping.get();
            LOG.debug("{}: quiet for {} ms: PING sent", name, millis(quietNsAtPing));
            return !pong.isCompletedExceptionally();
        }
        return true;
    }

    private void run()
    {
        final long lookEveryNs = intervalNs / LOOKS_PER_INTERVAL;
        while (!stopped)
        {
            LockSupport.parkNanos(this, lookEveryNs);
            if (stopped || !look(System.nanoTime()))
            {
                return;
            }
        }
    }

    private static long millis(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }
}
