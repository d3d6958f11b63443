package io.switchboard.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every write call's bytes apart, so a test sees how frames were grouped into system calls; can stop a write
 * half-way ({@link #entered}, {@link #proceed}) or fail it.
 */
final class RecordingStream extends OutputStream
{
    final List<String> writes = new ArrayList<>();
    volatile CountDownLatch entered;
    volatile CountDownLatch proceed;
    volatile IOException failure;

    @Override
    public void write(final int b)
    {
        throw new UnsupportedOperationException("single bytes are never written");
    }

    @Override
    public void write(final byte[] buffer, final int offset, final int length) throws IOException
    {
        if (failure != null)
        {
            throw failure;
        }
        final CountDownLatch in = entered;
        if (in != null)
        {
            entered = null;
            in.countDown();
            try
            {
                proceed.await(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (writes)
        {
            writes.add(new String(buffer, offset, length, StandardCharsets.US_ASCII));
        }
    }

    List<String> writes()
    {
        synchronized (writes)
        {
            return List.copyOf(writes);
        }
    }

    /**
     * Sends {@code frame} from the middle of a larger buffer, as the session does.
     */
    static void send(final CoalescingWriter writer, final String frame)
    {
        final byte[] bytes = ("xx" + frame + "yy").getBytes(StandardCharsets.US_ASCII);
        writer.send(bytes, 2, frame.length());
    }

    static void sendAwaited(final CoalescingWriter writer, final String frame)
    {
        final byte[] bytes = ("xx" + frame + "yy").getBytes(StandardCharsets.US_ASCII);
        writer.sendAwaited(bytes, 2, frame.length());
    }
}
