package io.switchboard.examples.rpc;

import io.switchboard.rpc.Remote;

import java.util.List;

/**
 * A room shared by every session on a worker: members join with a listener
 * they export, and the worker pushes every message to every member's listener.
 */
@Remote
public interface ChatRoom
{
    /**
     * Joins under a name; the listener is called back for every message said after this.
     *
     * @return the names of the members, this one included.
     */
    List<String> join(String name, ChatListener listener);

    /**
     * Says something to everyone in the room, this member included.
     *
     * @return how many members it was delivered to.
     */
    int say(String text);

    void leave();
}
