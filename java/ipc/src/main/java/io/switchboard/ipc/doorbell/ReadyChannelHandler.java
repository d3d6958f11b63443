package io.switchboard.ipc.doorbell;

/**
 * Told which channels a producer has rung the doorbell for.
 */
@FunctionalInterface
public interface ReadyChannelHandler
{
    /**
     * @param channelIndex the channel slot that has new frames; its bit is already
     *                     clear, so a frame published from now on rings again.
     * @return the work done (frames handled), summed into the poll's work count.
     */
    int onChannelReady(int channelIndex);
}
