package io.switchboard.cm.http;

import java.nio.ByteBuffer;

/**
 * Receives a chunked body's data in place, from {@link ChunkedDecoder#decode}:
 * a range of the caller's own buffer, never a copy.
 */
@FunctionalInterface
public interface ChunkDataHandler
{
    /**
     * @param buffer the buffer given to {@link ChunkedDecoder#decode}. Read it with absolute methods (or a view made
     *               for the purpose): its position and limit belong to the decoder during the call.
     * @param index  where the data starts in {@code buffer}.
     * @param length data bytes, at least 1.
     */
    void onData(ByteBuffer buffer, int index, int length);
}
