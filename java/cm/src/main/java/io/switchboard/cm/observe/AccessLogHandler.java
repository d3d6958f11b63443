package io.switchboard.cm.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the access log on the handler thread: each HTTP exchange's line is formatted into one reused
 * {@link LineBuffer}, and the buffer goes to the file in one write at the end of the Disruptor's batch
 * (or sooner, when a long batch has filled {@link #FLUSH_BYTES}), so a busy instance makes one system call
 * for many lines and an idle one leaves nothing unwritten. RPC session events are not logged here (they
 * are counted in the metrics).
 * <p>
 * {@link #reopen()} closes the file and opens it again by its name, for logrotate: after a rotation the
 * old descriptor still points at the renamed file. If the name cannot be opened, the old file is kept
 * and the caller told why. Standard output ({@code --access-log -}) has nothing to reopen.
 * <p>
 * A failed write is logged once (until a write succeeds again) and its lines are lost: the log never
 * stops the instance.
 * <p>
 * Not thread-safe: the handler thread's, but for the constructor.
 */
final class AccessLogHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogHandler.class);
    static final int FLUSH_BYTES = 64 * 1024;

    private final Path path;
    private final AccessLogFormat format;
    private final LogClock clock = new LogClock();
    private final LineBuffer line = new LineBuffer(FLUSH_BYTES + 4 * 1024);
    private WritableByteChannel out;
    private boolean failing;

    /**
     * @param path   the file, appended to (created if absent); null for standard output.
     * @throws UncheckedIOException naming the file and {@code --access-log} when it cannot be opened.
     */
    AccessLogHandler(final Path path, final AccessLogFormat format)
    {
        this.path = path;
        this.format = format;
        try
        {
            this.out = path == null ? new FileOutputStream(FileDescriptor.out).getChannel() : open(path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("--access-log " + path + ": cannot open the file for appending: " + ex, ex);
        }
    }

    private static FileChannel open(final Path path) throws IOException
    {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    void onEvent(final RequestEvent event, final boolean endOfBatch)
    {
        if (event.kind == RequestEvent.HTTP_EXCHANGE)
        {
            format.write(event, clock, line);
        }
        if (endOfBatch || line.length() >= FLUSH_BYTES)
        {
            flush();
        }
    }

    void flush()
    {
        if (line.length() == 0)
        {
            return;
        }
        final ByteBuffer bytes = line.view();
        try
        {
            while (bytes.hasRemaining())
            {
                out.write(bytes);
            }
            failing = false;
        }
        catch (final IOException ex)
        {
            if (!failing)
            {
                LOG.warn("the access log {} cannot be written, lines are lost until it can: {}",
                    path == null ? "(standard output)" : path, ex.toString());
                failing = true;
            }
        }
        finally
        {
            line.clear();
        }
    }

    /**
     * Writes what is pending, then reopens the file by its name.
     *
     * @return null when reopened, else why not (the old file is kept).
     */
    String reopen()
    {
        flush();
        if (path == null)
        {
            return null;
        }
        final FileChannel reopened;
        try
        {
            reopened = open(path);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("the access log {} could not be reopened, still writing to the file open before: {}", path, ex.toString());
            return "cannot reopen " + path + " (" + ex + "); still writing to the file open before";
        }
        closeQuietly(out);
        out = reopened;
        failing = false;
        LOG.info("access log {} reopened", path);
        return null;
    }

    void close()
    {
        flush();
        if (path != null)
        {
            closeQuietly(out);
        }
    }

    private static void closeQuietly(final WritableByteChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // nothing more to write to it
        }
    }
}
