package io.switchboard.cm.supervisor;

import io.switchboard.ipc.segment.WorkerSlots;

/**
 * What the parts of the supervisor share: the slots as the supervisor sees them and as the segment holds them,
 * whom to tell, what to ask, the settings, the clock and the supervisor's thread.
 * <p>
 * Everything here is used on the supervisor's thread, except {@link #stopping}, which {@code close()} sets from
 * any thread and every part reads before it starts anything new.
 */
final class SupervisorContext
{
    final SupervisedSlot[] slots;
    final WorkerSlots segmentSlots;
    final WorkerListener listener;
    final WorkerLoad load;
    final SupervisorSettings settings;
    final NanoClock clock;
    final SupervisorExecutor executor;
    volatile boolean stopping;

    SupervisorContext(
        final SupervisedSlot[] slots,
        final WorkerSlots segmentSlots,
        final WorkerListener listener,
        final WorkerLoad load,
        final SupervisorSettings settings,
        final NanoClock clock,
        final SupervisorExecutor executor)
    {
        this.slots = slots;
        this.segmentSlots = segmentSlots;
        this.listener = listener;
        this.load = load;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * Sends the worker SIGTERM and leaves its output streams open: {@link Process#destroy()} closes them on the CM's
     * side, so whatever the worker says while it stops (its applications' stop hooks, its last log lines) would
     * never reach the CM's log. A process without a handle (a test's) gets {@code destroy()}.
     */
    static void terminate(final Process process)
    {
        try
        {
            process.toHandle().destroy();
        }
        catch (final UnsupportedOperationException ex)
        {
            process.destroy();
        }
    }

    /**
     * @return the pid of the slot's worker now, or -1.
     */
    static long pidOf(final SupervisedSlot slot)
    {
        final Process process = slot.process;
        return process == null ? -1 : process.pid();
    }
}
