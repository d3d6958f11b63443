package io.switchboard.cm.supervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One worker JVM started ahead of need: it has loaded its applications and waits
 * for a slot number on its standard input. A worker that dies is replaced by
 * handing its slot to the spare, which is READY in milliseconds instead of a JVM
 * start (most of a second, several under load); a new spare then starts in the
 * background. An idle spare blocks in a read: no CPU, some memory.
 * <p>
 * Thread-safe: used on the supervisor's thread, closed from any.
 */
final class SpareWorker implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(SpareWorker.class);

    private final List<String> command;
    private final WorkerProcesses processes;
    private final NanoClock clock;
    private Process spare;
    private WorkerOutputTag spareTag;
    private long startedAtNs;
    private boolean closed;

    SpareWorker(final List<String> command, final WorkerProcesses processes, final NanoClock clock)
    {
        this.command = List.copyOf(command);
        this.processes = processes;
        this.clock = clock;
    }

    /**
     * Starts a spare if there is none (or it died).
     */
    synchronized void replenish()
    {
        if (closed || (spare != null && spare.isAlive()))
        {
            return;
        }
        final WorkerOutputTag tag = new WorkerOutputTag(WorkerOutputTag.SPARE);
        try
        {
            spare = processes.start(command, tag);
            spareTag = tag;
            startedAtNs = clock.nanoTime();
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot start a spare worker: {}; workers will be started when needed", ex.getMessage());
            spare = null;
        }
    }

    /**
     * @return how long the live spare has been up, or -1 if there is none: a spare loads its applications in
     * its first second or so, and one taken before that serves only once it has.
     */
    synchronized long ageMs()
    {
        return spare != null && spare.isAlive() ? TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startedAtNs) : -1;
    }

    /**
     * Hands the spare the slot.
     *
     * @return the spare's process, now the slot's worker, or null if there is no live spare.
     */
    synchronized Process take(final int slot)
    {
        final Process taken = spare;
        spare = null;
        if (taken == null || !taken.isAlive())
        {
            return null;
        }
        try
        {
            final OutputStream in = taken.getOutputStream();
            in.write((slot + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            spareTag.assign(slot);
            return taken;
        }
        catch (final IOException ex)
        {
            // it died between the look and the write
            taken.destroyForcibly();
            return null;
        }
    }

    /**
     * Retires the spare there is and starts another: a rolling restart does so first, because the spare loaded its
     * applications when it started, from the jars of then; promoted after the restart, it would serve the code the
     * restart was asked to replace. The old spare's input is closed, on which it exits by itself after its
     * applications' stop hooks; the caller kills it if it has not after the stop grace period.
     *
     * @return the spare retired, or null if there was none (and then none is started).
     */
    synchronized Process renew()
    {
        final Process old = spare;
        if (old == null)
        {
            return null;
        }
        spare = null;
        try
        {
            old.getOutputStream().close();
        }
        catch (final IOException ex)
        {
            // gone already, or going: the caller's deadline kills it if need be
        }
        replenish();
        return old;
    }

    /**
     * Stops the spare: its input closes and it exits; killed if it does not.
     */
    @Override
    public synchronized void close()
    {
        closed = true;
        final Process last = spare;
        spare = null;
        retire(last);
    }

    private static void retire(final Process process)
    {
        if (process != null)
        {
            try
            {
                process.getOutputStream().close();
            }
            catch (final IOException ignored)
            {
                // it is being killed anyway
            }
            process.destroyForcibly();
        }
    }
}
