package io.switchboard.client;

import io.switchboard.rpc.SessionLostException;

/**
 * Told when a session ends other than by its own {@link Session#close()}: the instance died or stopped (GOODBYE 8
 * or 9), the connection dropped, the keepalive went unanswered. The application opens a new session here (with
 * {@link Switchboard#connect(java.util.List, String, ClientOptions)} on the addresses it has, another instance takes
 * it); what the lost session's worker held is gone.
 * <p>
 * Called once per session, on a virtual thread of its own, so it may block (a reconnect does); the calls that
 * were in flight have failed with the same exception before it runs.
 */
@FunctionalInterface
public interface SessionLostListener
{
    /**
     * @param session the session that ended; closed by now.
     * @param cause   what every call in flight and every later call failed with; its message says why.
     */
    void onSessionLost(Session session, SessionLostException cause);
}
