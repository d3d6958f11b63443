package io.switchboard.cm.net;

import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What other threads hand an {@link IoThread}: sockets the acceptors took, and notices about workers (cut off
 * for writing garbage; lost). Posted from any thread, taken by the I/O thread on its next pass, which the
 * poster wakes.
 * <p>
 * Thread-safe: many posters, one taker.
 */
final class IoHandover
{
    record Accepted(SocketChannel socket, ListenerProtocol protocol)
    {
    }

    private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    /** Worker slot (low half) and incarnation (high half) of each cut-off request. */
    private final Queue<Long> cutOffWorkers = new ConcurrentLinkedQueue<>();
    /** Worker slot (low half) and incarnation (high half) of each loss. */
    private final Queue<Long> lostWorkers = new ConcurrentLinkedQueue<>();

    void accepted(final SocketChannel socket, final ListenerProtocol protocol)
    {
        accepted.add(new Accepted(socket, protocol));
    }

    void cutOff(final int slot, final int incarnation)
    {
        cutOffWorkers.add(((long)incarnation << 32) | (slot & 0xFFFF_FFFFL));
    }

    void workerLost(final int slot, final int incarnation)
    {
        lostWorkers.add(((long)incarnation << 32) | (slot & 0xFFFF_FFFFL));
    }

    /**
     * @return the next accepted socket, or null.
     */
    Accepted nextAccepted()
    {
        return accepted.poll();
    }

    /**
     * Applies the worker notices to the thread's channels: cut-offs first, so that a loss never reaches
     * the ledger before the cut-off it follows.
     *
     * @return notices applied.
     */
    int deliverWorkerNotices(final ChannelLedger ledger)
    {
        int work = 0;
        Long notice;
        while ((notice = cutOffWorkers.poll()) != null)
        {
            work++;
            ledger.cutOff((int)(long)notice, (int)(notice >>> 32));
        }
        while ((notice = lostWorkers.poll()) != null)
        {
            work++;
            ledger.workerLost((int)(long)notice, (int)(notice >>> 32));
        }
        return work;
    }
}
