package io.switchboard.worker.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The response a handler writes. The head (status and headers) is sent with
 * the first body bytes or at {@link #end()}, whichever comes first; setting it
 * afterwards fails. With a {@link #contentLength(long) known length} the CM
 * sends {@code Content-Length}; without one it chunks the body to the client.
 * <p>
 * Writes go straight into the channel's shared-memory ring; a full ring blocks
 * the writer until the CM has sent bytes on (backpressure from the client).
 * Once the request is cancelled every write fails with {@link IOException}.
 * Not thread-safe: one handler thread writes a response.
 */
public interface HttpResponse
{
    HttpResponse status(int status);

    /**
     * Adds a header. Names and values must be visible ASCII (values may hold
     * spaces and tabs). The framing and connection headers ({@code Content-Length},
     * {@code Transfer-Encoding}, {@code Connection}, {@code Keep-Alive},
     * {@code Upgrade}, {@code TE}, {@code Trailer}) and {@code Date} and
     * {@code Server} are the CM's and are refused.
     */
    HttpResponse header(String name, String value);

    /**
     * Declares the body length; the body written must then be exactly that long.
     */
    HttpResponse contentLength(long length);

    void write(byte[] bytes, int offset, int length) throws IOException;

    void write(ByteBuffer bytes) throws IOException;

    /**
     * Sends a whole body: sets the length, writes, ends.
     */
    default void send(final byte[] body) throws IOException
    {
        contentLength(body.length);
        write(body, 0, body.length);
        end();
    }

    /**
     * @return a stream over {@link #write}; closing it ends the response.
     */
    OutputStream outputStream();

    /**
     * Completes the response. Idempotent.
     */
    void end() throws IOException;

    /**
     * Writes the body's last bytes and completes the response: as {@link #write(ByteBuffer)} then {@link #end()},
     * but the worker hands the bytes and the end to the CM at once, one wake-up instead of two (and the whole
     * response at once when nothing went out before).
     */
    default void end(final ByteBuffer last) throws IOException
    {
        write(last);
        end();
    }

    /**
     * @return whether the head has gone out (status and headers are final).
     */
    boolean isCommitted();
}
