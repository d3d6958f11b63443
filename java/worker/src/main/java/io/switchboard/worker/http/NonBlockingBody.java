package io.switchboard.worker.http;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The request body read without blocking a thread, for a container with a demand model of its own (Jetty's
 * {@code read()}/{@code demand()}): {@link #poll()} takes what the worker's poller has copied out of the
 * inbound ring so far, and {@link #demand} asks to be told when there is more.
 * <pre>{@code
 * ByteBuffer chunk = body.poll();
 * if (chunk == null)
 *     body.demand(() -> executor.execute(this::readAgain));   // nothing yet: called back once there is
 * else if (chunk == NonBlockingBody.END)
 *     ...                                                       // the whole body was read
 * }</pre>
 * Contract: the same backpressure as {@link HttpRequest#body()}: the poller hands over a bounded number of chunks
 * and stops reading the channel until some are taken. Use either this or {@link HttpRequest#body()}, never both.
 * One reader at a time; it need not be the handler's thread.
 */
public interface NonBlockingBody
{
    /** What {@link #poll()} returns, always this instance, once the body has ended. */
    ByteBuffer END = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /**
     * @return the next chunk of body bytes (the caller's to keep), {@link #END} once the body is complete, or
     * null when nothing has arrived yet.
     * @throws IOException once the request is cancelled (the client went away, the CM gave up on it).
     */
    ByteBuffer poll() throws IOException;

    /**
     * Asks for one call of {@code onAvailable} as soon as {@link #poll()} has something to give: a chunk, the
     * end, or the cancellation; at once, on this thread, if it already has. The call comes otherwise on the
     * worker's polling thread, which serves every channel: hand the work to another thread, never block in it.
     * A second demand before the call replaces the first.
     */
    void demand(Runnable onAvailable);
}
