package io.switchboard.rpc;

/**
 * What a service object learns of the session it was made for.
 */
public interface SessionContext
{
    /**
     * @return the session's id (from the CM's WELCOME; 0 where there is none).
     */
    long sessionId();

    /**
     * @return the session, to call objects the peer passed in, change deadlines, release proxies.
     */
    RpcSession session();
}
