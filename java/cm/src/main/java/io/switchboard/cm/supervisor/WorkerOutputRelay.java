package io.switchboard.cm.supervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Relays one output stream of a worker (standard output or error) into the CM's log, a line per event under the
 * logger {@value #LOGGER_NAME}, prefixed with the worker's slot and pid: {@code worker[slot=0 pid=1234] ...}.
 * One small daemon thread per stream, which ends when the stream does (the worker exited).
 * <p>
 * Memory is bounded whatever the worker writes: a line longer than {@code maxLineBytes} (a worker printing
 * without newlines) is logged in pieces of at most that length, each but the last marked as cut. A piece may end
 * inside a multi-byte character, which is then shown as a replacement character.
 */
final class WorkerOutputRelay implements Runnable
{
    static final String LOGGER_NAME = "io.switchboard.worker.output";
    static final int MAX_LINE_BYTES = 8 * 1024;

    private static final Logger OUTPUT = LoggerFactory.getLogger(LOGGER_NAME);
    private static final Logger LOG = LoggerFactory.getLogger(WorkerOutputRelay.class);
    private static final long STACK_BYTES = 256 * 1024;

    private final InputStream in;
    private final String stream;
    private final WorkerOutputTag tag;
    private final long pid;
    private final byte[] line;
    private final byte[] buffer = new byte[4096];
    private int lineLength;

    WorkerOutputRelay(
        final InputStream in, final String stream, final WorkerOutputTag tag, final long pid, final int maxLineBytes)
    {
        this.in = in;
        this.stream = stream;
        this.tag = tag;
        this.pid = pid;
        this.line = new byte[maxLineBytes];
    }

    /**
     * Starts the thread relaying {@code in}.
     *
     * @param stream "stdout" or "stderr", for the thread's name.
     */
    static Thread start(final InputStream in, final String stream, final WorkerOutputTag tag, final long pid)
    {
        final Thread thread = new Thread(null, new WorkerOutputRelay(in, stream, tag, pid, MAX_LINE_BYTES),
            "switchboard-worker-" + pid + "-" + stream, STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public void run()
    {
        try (InputStream input = in)
        {
            int read;
            while ((read = input.read(buffer)) != -1)
            {
                append(read);
            }
        }
        catch (final IOException ex)
        {
            // the worker is gone and the JDK closed its end: what was read is logged below
            LOG.debug("worker pid {} {}: {}", pid, stream, ex.toString());
        }
        if (lineLength > 0)
        {
            emit(false);
        }
    }

    private void append(final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer[i];
            if (b == '\n')
            {
                emit(false);
            }
            else
            {
                if (lineLength == line.length)
                {
                    emit(true);
                }
                line[lineLength++] = b;
            }
        }
    }

    private void emit(final boolean cut)
    {
        int length = lineLength;
        if (length > 0 && line[length - 1] == '\r')
        {
            length--;
        }
        final String text = new String(line, 0, length, StandardCharsets.UTF_8);
        lineLength = 0;
        if (cut)
        {
            OUTPUT.info("worker[{} pid={}] {} [line cut at {} bytes]", tag.describe(), pid, text, line.length);
        }
        else
        {
            OUTPUT.info("worker[{} pid={}] {}", tag.describe(), pid, text);
        }
    }
}
