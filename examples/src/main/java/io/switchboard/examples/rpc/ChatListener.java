package io.switchboard.examples.rpc;

import io.switchboard.rpc.Remote;

/**
 * Exported by a chat client; the worker calls it back.
 */
@Remote
public interface ChatListener
{
    void onMessage(ChatMessage message);
}
