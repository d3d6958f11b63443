package io.switchboard.cm.net;

import io.switchboard.ipc.channel.ChannelKind;

/**
 * What an {@link IoThread} needs of a client connection, whichever protocol it
 * speaks: socket readiness, the worker ringing for its channel, ring space
 * freed, deadlines, and the loss of its worker.
 * <p>
 * Not thread-safe: a connection belongs to one I/O thread.
 */
interface Connection
{
    /**
     * The I/O thread opened a channel to a worker for this connection.
     */
    void onChannel(long channelId, int workerSlot, io.switchboard.ipc.channel.ChannelEnd end);

    void onReadable();

    void onWritable();

    /**
     * The worker rang for this connection's channel: relay what it wrote.
     *
     * @return frames handled.
     */
    int onOutbound();

    /**
     * Retried by the I/O thread after the connection said it was blocked on a full inbound ring.
     */
    void onRingSpace();

    /**
     * Retried by the I/O thread while the connection waits in its queue for a worker or a channel.
     *
     * @return true when the connection no longer waits: it got a channel, or gave up.
     */
    boolean retryDispatch();

    /**
     * Checks the deadline of whatever the connection is waiting for.
     */
    void checkTimeout(long nowNs);

    /**
     * The worker serving this connection died; the I/O thread has released its channel already.
     */
    void onWorkerLost();

    /**
     * The worker wrote something impossible on this connection's channel: report it (which cuts the worker
     * off), read nothing more from the channel, and tell the client as the protocol allows.
     */
    void onWorkerFault(String what);

    /**
     * After an unexpected failure in this connection's handling: give back what it holds and close.
     */
    void abandon();

    void close();

    long channelId();

    /**
     * @return what the connection's channel carries.
     */
    ChannelKind channelKind();

    int workerSlot();
}
