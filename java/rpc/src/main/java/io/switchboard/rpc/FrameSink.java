package io.switchboard.rpc;

/**
 * Where a session's outgoing frames go: the client's socket writer, the worker's outbound ring.
 * <p>
 * Thread-safe: any thread of the session may send. {@link #send} may block for transport space; it must have taken
 * the bytes (copied or written them) when it returns, since the session reuses the buffer at once. It throws
 * (unchecked) when the transport is gone; the session then ends.
 */
public interface FrameSink
{
    /**
     * Sends one whole frame, length field included.
     */
    void send(byte[] buffer, int offset, int length);

    /**
     * Sends the frame of a call whose thread waits for the answer right after, through the session's
     * {@link AnswerWaiter}. A transport may hold such a frame back for a moment, to write it with the frames of
     * other callers, provided its waiter sees that it goes out before the thread sleeps for long.
     */
    default void sendAwaited(final byte[] buffer, final int offset, final int length)
    {
        send(buffer, offset, length);
    }

    /**
     * Tells the transport the session is over: nothing more will be sent. Called once; the transport may close.
     */
    void close();
}
