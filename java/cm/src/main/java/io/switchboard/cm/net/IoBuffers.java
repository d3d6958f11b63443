package io.switchboard.cm.net;

/**
 * The sizes of the buffers an exchange in progress uses (an {@link HttpWorkspace}, a session's).
 *
 * @param inputCapacity  read buffer: heads and pipelined requests.
 * @param outputCapacity write buffer: a response head and what a socket did not take.
 */
public record IoBuffers(int inputCapacity, int outputCapacity)
{
    int flushThreshold()
    {
        return outputCapacity / 2;
    }
}
