package io.switchboard.ipc.doorbell;

/**
 * Told which channels a producer has rung the doorbell for.
 */
@FunctionalInterface
public interface ReadyChannelHandler
{
    /**
     * @param channelIndex the channel slot that has new frames; its bit is already
     *                     clear, so a frame published from now on rings again. A
     *                     handler that leaves frames unread (a batch limit) must
     *                     {@link Doorbell#requeue requeue} the channel, or they wait
     *                     for the producer's next frame.
     * @return the work done (frames handled), summed into the poll's work count.
     */
    int onChannelReady(int channelIndex);
}
