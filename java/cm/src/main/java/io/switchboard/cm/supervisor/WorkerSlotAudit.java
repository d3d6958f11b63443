package io.switchboard.cm.supervisor;

import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;

import java.util.concurrent.TimeUnit;

/**
 * Checks a READY worker's slot (layout in
 * {@link io.switchboard.ipc.segment.WorkerSlotDescriptor}) against what the
 * worker may write there. The worker writes three things: its heartbeat, which
 * reads CLOCK_MONOTONIC like the CM's own clock and so is never in the CM's
 * future; the state, once, STARTING to READY; and, just before, its runtime
 * version, which is not audited (the CM only shows it to operators, and reads it
 * once, at READY). Pid, start time and epoch are the CM's, written before the
 * worker started. Anything else there means the worker writes where it must not.
 * <p>
 * Why it matters: the supervisor decides from these words whether a worker is
 * hung; a heartbeat set far ahead, or a state other than READY, would otherwise
 * hide a hung worker from it for as long as the worker likes.
 * <p>
 * Not thread-safe: the supervisor's thread.
 */
final class WorkerSlotAudit
{
    /** A heartbeat read races the worker's next beat: a few microseconds "ahead" is a race, not a lie. */
    private static final long FUTURE_TOLERANCE_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final WorkerSlots slots;
    private final NanoClock clock;
    private final ProcessIdentity[] claimed;
    private final long[] claimedEpoch;
    private final long[] lastHeartbeatNs;

    WorkerSlotAudit(final WorkerSlots slots, final int workerCount, final NanoClock clock)
    {
        this.slots = slots;
        this.clock = clock;
        this.claimed = new ProcessIdentity[workerCount];
        this.claimedEpoch = new long[workerCount];
        this.lastHeartbeatNs = new long[workerCount];
    }

    /**
     * Records what the CM wrote when it gave the slot to a new process.
     */
    void onClaimed(final int slot)
    {
        claimed[slot] = slots.process(slot);
        claimedEpoch[slot] = slots.epoch(slot);
        lastHeartbeatNs[slot] = slots.heartbeatNs(slot);
    }

    /**
     * @return what is wrong with the slot of a READY worker, for the log, or null.
     */
    String check(final int slot)
    {
        final WorkerState state = slots.state(slot);
        if (state != WorkerState.READY && state != WorkerState.DRAINING)
        {
            return "worker slot state rewritten: state=" + state + " (READY, or DRAINING by the CM)";
        }

        final ProcessIdentity identity = slots.process(slot);
        final long epoch = slots.epoch(slot);
        if (claimed[slot] != null && (!identity.equals(claimed[slot]) || epoch != claimedEpoch[slot]))
        {
            return "worker slot identity rewritten: pid=" + identity.pid() + " startTime=" + identity.startTime() +
                " epoch=" + epoch + " (claimed: pid=" + claimed[slot].pid() + " startTime=" +
                claimed[slot].startTime() + " epoch=" + claimedEpoch[slot] + ")";
        }

        final long heartbeatNs = slots.heartbeatNs(slot);
        final long nowNs = clock.nanoTime();
        if (heartbeatNs - nowNs > FUTURE_TOLERANCE_NS)
        {
            return "heartbeat " + TimeUnit.NANOSECONDS.toMillis(heartbeatNs - nowNs) + " ms in the future: heartbeatNs=" +
                heartbeatNs + " nowNs=" + nowNs;
        }
        if (heartbeatNs - lastHeartbeatNs[slot] < 0)
        {
            return "heartbeat went backwards: heartbeatNs=" + heartbeatNs + " previous=" + lastHeartbeatNs[slot];
        }
        lastHeartbeatNs[slot] = heartbeatNs;
        return null;
    }
}
