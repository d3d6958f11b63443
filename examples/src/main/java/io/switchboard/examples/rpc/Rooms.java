package io.switchboard.examples.rpc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's one chat room, shared by all its sessions: who is in it, and the message count.
 */
final class Rooms
{
    /**
     * A member: the name it joined under and the listener it exported.
     */
    record Member(String name, ChatListener listener)
    {
    }

    private final Map<ChatRoomService, Member> members = new ConcurrentHashMap<>();
    private final List<ChatRoomService> order = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();

    List<String> join(final ChatRoomService who, final Member member)
    {
        if (members.put(who, member) == null)
        {
            order.add(who);
        }
        return order.stream().map(service -> members.get(service)).filter(m -> m != null).map(Member::name).toList();
    }

    void leave(final ChatRoomService who)
    {
        members.remove(who);
        order.remove(who);
    }

    /**
     * Delivers a message to every member; one whose session is gone is dropped from the room.
     *
     * @return members reached.
     */
    int broadcast(final String from, final String text)
    {
        final ChatMessage message = new ChatMessage(sequence.incrementAndGet(), from, text);
        int delivered = 0;
        for (final ChatRoomService service : order)
        {
            final Member member = members.get(service);
            if (member == null)
            {
                continue;
            }
            try
            {
                member.listener().onMessage(message);
                delivered++;
            }
            catch (final RuntimeException ex)
            {
                // the member's session is lost or its listener failed: it leaves the room
                leave(service);
            }
        }
        return delivered;
    }
}
