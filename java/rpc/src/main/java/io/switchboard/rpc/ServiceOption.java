package io.switchboard.rpc;

/**
 * How a deployed service's objects are made and called.
 */
public enum ServiceOption
{
    /** One object per session for every lookup of the service, made at the first. */
    SHARED,
    /** Calls to one object may run at once; without it they run one at a time, in the order received. */
    CONCURRENT,
    /**
     * The object's methods never block: calls run inline on the thread that reads the session's frames (on a worker,
     * its poller), which spares a thread hand-off. A method that blocks stalls the whole session.
     */
    NON_BLOCKING
}
