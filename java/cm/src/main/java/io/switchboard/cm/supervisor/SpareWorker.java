package io.switchboard.cm.supervisor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
    private final List<String> command;
    private Process spare;
    private long startedAtNs;
    private boolean closed;

    SpareWorker(final List<String> command)
    {
        this.command = List.copyOf(command);
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
        try
        {
            spare = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
            startedAtNs = System.nanoTime();
        }
        catch (final IOException ex)
        {
            System.err.println("switchboard: cannot start a spare worker: " + ex.getMessage() +
                "; workers will be started when needed");
            spare = null;
        }
    }

    /**
     * @return how long the live spare has been up, or -1 if there is none: a spare loads its applications in
     * its first second or so, and one taken before that serves only once it has.
     */
    synchronized long ageMs()
    {
        return spare != null && spare.isAlive() ? (System.nanoTime() - startedAtNs) / 1_000_000 : -1;
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
     * Stops the spare: its input closes and it exits; killed if it does not.
     */
    public synchronized void close()
    {
        closed = true;
        final Process last = spare;
        spare = null;
        if (last != null)
        {
            try
            {
                last.getOutputStream().close();
            }
            catch (final IOException ignored)
            {
                // it is being killed anyway
            }
            last.destroyForcibly();
        }
    }
}
