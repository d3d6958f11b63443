package io.switchboard.ipc.ring;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * Receives the frames of a ring in place: a view of the shared memory, never a
 * copy. The bytes are valid only during the call: the space is released to the
 * producer once the batch is done.
 */
@FunctionalInterface
public interface FrameHandler
{
    /**
     * @param buffer the whole mapped segment (the same object every time).
     * @param offset where the payload starts in {@code buffer}.
     * @param length payload bytes.
     * @param type   the frame type (never {@link FrameDescriptor#PADDING_TYPE}).
     * @param flags  {@link FrameDescriptor#BEGIN_FLAG} and {@link FrameDescriptor#END_FLAG} among them.
     */
    void onFrame(SharedBuffer buffer, long offset, int length, int type, int flags);
}
