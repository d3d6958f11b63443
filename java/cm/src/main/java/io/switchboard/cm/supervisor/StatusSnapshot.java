package io.switchboard.cm.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every slot as the supervisor sees it now, for the admin plane ({@code GET /admin/status}) and tests.
 * Taken on the supervisor's thread, so that no slot is seen half-way through a transition; the resident memory
 * of each worker is read afterwards, on the caller's thread ({@link WorkerSupervisor#status()}).
 */
final class StatusSnapshot
{
    private StatusSnapshot()
    {
    }

    static List<WorkerStatus> take(final SupervisorContext context)
    {
        final long nowNs = context.clock.nanoTime();
        final List<WorkerStatus> status = new ArrayList<>(context.slots.length);
        for (final SupervisedSlot slot : context.slots)
        {
            final Process process = slot.process;
            final boolean waiting = process == null && slot.pendingStart != null && !slot.pendingStart.isDone();
            final boolean up = process != null && slot.announced;
            status.add(new WorkerStatus(
                slot.index,
                slot.displayState(),
                process == null ? -1 : process.pid(),
                slot.ready ? context.load.requestsDispatched(slot.index) : 0,
                context.load.openChannels(slot.index),
                slot.starts,
                slot.backoff.deathsBeforeReady(),
                slot.lastExitStatus,
                waiting ? Math.max(0, TimeUnit.NANOSECONDS.toMillis(slot.pendingStartAtNs - nowNs)) : -1,
                context.load.sessions(slot.index),
                slot.restarts,
                up ? slot.runtimeVersion : null,
                up ? TimeUnit.NANOSECONDS.toSeconds(nowNs - slot.readyAtNs) : -1,
                // read by the caller, off this thread: see WorkerSupervisor.status()
                -1));
        }
        return status;
    }
}
