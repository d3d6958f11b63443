package io.switchboard.examples.rpc;

/**
 * One message of a chat room, as its members receive it.
 *
 * @param sequence the room's message number, from 1.
 * @param from     the member who said it.
 * @param text     what was said.
 */
public record ChatMessage(long sequence, String from, String text)
{
}
