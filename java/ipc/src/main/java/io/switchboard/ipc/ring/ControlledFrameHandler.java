package io.switchboard.ipc.ring;

import io.switchboard.ipc.memory.SharedBuffer;

/**
 * Receives the frames of a ring in place, like {@link FrameHandler}, and may leave a frame in the ring: a consumer
 * that cannot take a frame now (no memory for it, or its answers back up) returns false, and the frame stays, first
 * in line, for a later read. The producer then sees the ring fill, which is its backpressure.
 */
@FunctionalInterface
public interface ControlledFrameHandler
{
    /**
     * @param buffer the whole mapped segment (the same object every time).
     * @param offset where the payload starts in {@code buffer}.
     * @param length payload bytes.
     * @param type   the frame type (never {@link FrameDescriptor#PADDING_TYPE}).
     * @param flags  {@link FrameDescriptor#BEGIN_FLAG} and {@link FrameDescriptor#END_FLAG} among them.
     * @return true when the frame was taken; false to leave it (and those after it) in the ring.
     */
    boolean onFrame(SharedBuffer buffer, long offset, int length, int type, int flags);
}
