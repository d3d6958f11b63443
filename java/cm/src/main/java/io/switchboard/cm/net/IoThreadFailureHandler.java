package io.switchboard.cm.net;

/**
 * Told when an I/O thread cannot go on: its loop threw outside any one connection's handling.
 */
@FunctionalInterface
public interface IoThreadFailureHandler
{
    /**
     * Called on the failed I/O thread, which then closes its connections and ends.
     */
    void onIoThreadFailed(int index, Throwable cause);
}
