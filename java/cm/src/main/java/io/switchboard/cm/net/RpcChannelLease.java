package io.switchboard.cm.net;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;

/**
 * The channel a distributed session holds, from the I/O thread's grant to its return: the channel's id, its
 * worker, the CM's end of its rings, and the I/O thread's count of the client's calls that await the worker's
 * answer, which goes back with the channel.
 * <pre>
 *   free --{@link #grant}--> held --{@link #giveBack}: the CM retires the channel--> free
 *                              \--{@link #lost}: the worker died, the I/O thread has it back already--> free
 * </pre>
 * The worker's slot outlives the hold, for the messages that name it.
 * <p>
 * Not thread-safe: belongs to one connection, on its I/O thread.
 */
final class RpcChannelLease
{
    private final IoThread io;
    private long channelId = ChannelId.NONE;
    private int workerSlot = -1;
    private ChannelEnd end;
    /** Calls awaiting an answer, as this session last told its I/O thread. */
    private long awaitingReported;

    /** When frames last went either way (or the channel opened), for the idle timeout. */
    private long lastTrafficNs = System.nanoTime();

    /** An open session with no traffic and no call awaited this long ends (GOODBYE 10); 0: never. */
    private final long idleTimeoutNs;

    /**
     * @return whether the session has had no traffic, and no call awaiting an answer, for the idle timeout.
     */
    boolean idleTimedOut(final long nowNs)
    {
        return idleTimeoutNs > 0 && awaitingReported == 0 && nowNs - lastTrafficNs >= idleTimeoutNs;
    }

    /**
     * @return whether a call of the client awaits the worker's answer (as this session last told its I/O thread).
     */
    boolean hasCallsAwaited()
    {
        return awaitingReported > 0;
    }

    String idleTimeoutMessage()
    {
        return "no frame either way for " + idleTimeoutNs / 1_000_000 + " ms (--rpc-idle-timeout-ms)";
    }

    /** The client address whose place under the session limit this session holds, or null. */
    private java.net.InetAddress sessionPlace;

    RpcChannelLease(final IoThread io, final long idleTimeoutNs)
    {
        this.idleTimeoutNs = idleTimeoutNs;
        this.io = io;
    }

    void grant(final long channelId, final int workerSlot, final ChannelEnd end)
    {
        this.channelId = channelId;
        this.workerSlot = workerSlot;
        this.end = end;
    }

    boolean isHeld()
    {
        return channelId != ChannelId.NONE;
    }

    /**
     * @return the channel held, or {@link ChannelId#NONE}.
     */
    long channelId()
    {
        return channelId;
    }

    /**
     * @return the worker of the channel held, or last held; -1 before any.
     */
    int workerSlot()
    {
        return workerSlot;
    }

    /**
     * @return the CM's end of the channel held, or null.
     */
    ChannelEnd end()
    {
        return end;
    }

    /**
     * Tells the I/O thread how many of the client's calls wait for the worker's answer: while any do, the thread
     * spins instead of sleeping, since the answer is microseconds away and a sleep would cost two thread wake-ups
     * (see {@link IoThread}). Also that the session had traffic.
     *
     * @param awaiting calls sent less answers received; counted only while the channel is held.
     */
    void reportAwaiting(final long awaiting)
    {
        io.sessionTraffic();
        if (idleTimeoutNs > 0)
        {
            lastTrafficNs = System.nanoTime();
        }
        final long count = isHeld() ? Math.max(0, awaiting) : 0;
        if (count != awaitingReported)
        {
            io.awaitingAnswers(count - awaitingReported);
            awaitingReported = count;
        }
    }

    /**
     * Takes the session's place under the instance's and its client address's session limits.
     *
     * @return null when taken, else why not (for the WELCOME).
     */
    String takeSessionPlace(final java.nio.channels.SocketChannel socket)
    {
        java.net.InetAddress address = java.net.InetAddress.getLoopbackAddress();
        try
        {
            if (socket.getRemoteAddress() instanceof java.net.InetSocketAddress remote)
            {
                address = remote.getAddress();
            }
        }
        catch (final java.io.IOException ex)
        {
            // closed already: counted under loopback, and given back at the close that follows
        }
        final String refusal = io.sessionLimit().tryAcquire(address);
        if (refusal == null)
        {
            sessionPlace = address;
        }
        return refusal;
    }

    void releaseSessionPlace()
    {
        if (sessionPlace != null)
        {
            io.sessionLimit().release(sessionPlace);
            sessionPlace = null;
        }
    }

    /**
     * Retires the channel (the worker is told the session is over) and takes back what was reported. Idempotent.
     */
    void giveBack()
    {
        withdrawAwaiting();
        if (isHeld())
        {
            io.retire(channelId, workerSlot, end);
            io.sessionClosed(workerSlot);
            channelId = ChannelId.NONE;
            end = null;
        }
    }

    /**
     * The worker died and the I/O thread released the channel itself: forget it.
     */
    void lost()
    {
        withdrawAwaiting();
        channelId = ChannelId.NONE;
        end = null;
    }

    private void withdrawAwaiting()
    {
        if (awaitingReported != 0)
        {
            io.awaitingAnswers(-awaitingReported);
            awaitingReported = 0;
        }
    }
}
