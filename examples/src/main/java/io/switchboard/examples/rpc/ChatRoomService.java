package io.switchboard.examples.rpc;

/**
 * A session's handle on the worker's chat room; closing it (release, or the session's end) leaves the room.
 */
final class ChatRoomService implements ChatRoom, AutoCloseable
{
    private final Rooms rooms;
    private String name;

    ChatRoomService(final Rooms rooms)
    {
        this.rooms = rooms;
    }

    public java.util.List<String> join(final String name, final ChatListener listener)
    {
        if (name == null || name.isBlank() || listener == null)
        {
            throw new IllegalArgumentException("join needs a name and a listener");
        }
        this.name = name;
        return rooms.join(this, new Rooms.Member(name, listener));
    }

    public int say(final String text)
    {
        if (name == null)
        {
            throw new IllegalStateException("join the room before you speak");
        }
        return rooms.broadcast(name, text);
    }

    public void leave()
    {
        rooms.leave(this);
        name = null;
    }

    public void close()
    {
        leave();
    }
}
