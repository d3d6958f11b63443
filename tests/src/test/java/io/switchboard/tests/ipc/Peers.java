package io.switchboard.tests.ipc;

import io.switchboard.ipc.segment.SharedSegment;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the worker-side peers of these tests do to join: attach (the CM may
 * still be creating the segment), wait until the CM has claimed their slot,
 * then announce READY. Bounded waits only: a peer that cannot join exits.
 */
final class Peers
{
    static final long JOIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private Peers()
    {
    }

    static SharedSegment attach(final String name)
    {
        return SharedSegment.attach(name, JOIN_TIMEOUT_NS);
    }

    static void join(final SharedSegment segment, final int workerSlot)
    {
        final WorkerSlots slots = new WorkerSlots(segment);
        final long deadline = System.nanoTime() + JOIN_TIMEOUT_NS;
        while (slots.state(workerSlot) != WorkerState.STARTING)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("worker slot " + workerSlot + " never became STARTING");
            }
            sleepMs(1);
        }

        if (!slots.markReady(workerSlot))
        {
            throw new IllegalStateException("worker slot " + workerSlot + " was taken back before READY");
        }
    }

    /**
     * Waits, boundedly, until the worker in {@code workerSlot} is READY.
     */
    static void awaitReady(final WorkerSlots slots, final int workerSlot, final Process peer)
    {
        final long deadline = System.nanoTime() + JOIN_TIMEOUT_NS;
        while (slots.state(workerSlot) != WorkerState.READY)
        {
            if (!peer.isAlive())
            {
                throw new IllegalStateException("peer exited with " + peer.exitValue() + " before READY");
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("peer never became READY");
            }
            sleepMs(1);
        }
    }

    static void writeResult(final Path file, final String result)
    {
        try
        {
            Files.writeString(file, result);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
