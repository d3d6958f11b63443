package io.switchboard.cm.supervisor;

/**
 * What the {@link WorkerLauncher} reports of the workers it started, on the supervisor's thread.
 */
interface WorkerEvents
{
    /**
     * The slot's worker marked itself READY in the segment.
     */
    void onReady(SupervisedSlot slot, Process process);

    /**
     * The slot's worker exited, or could not be started at all ({@code pid} and {@code exitStatus} -1).
     */
    void onExit(SupervisedSlot slot, long pid, int exitStatus);
}
