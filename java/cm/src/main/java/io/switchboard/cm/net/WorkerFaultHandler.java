package io.switchboard.cm.net;

/**
 * Told when a worker wrote something into the segment that no correct worker
 * writes (an impossible ring position, a malformed frame, a rewritten channel
 * slot): the worker is rogue and must be cut off. The I/O thread that saw it has
 * already stopped reading the worker's channels on its side; the handler makes
 * every other I/O thread do the same, takes the worker out of dispatch and has
 * the supervisor kill it, which then reclaims its channels and starts a
 * replacement.
 * <p>
 * Called on the I/O thread that found the fault: must not block.
 */
@FunctionalInterface
public interface WorkerFaultHandler
{
    /**
     * @param workerSlot  the worker at fault.
     * @param incarnation which of the slot's workers ({@link io.switchboard.cm.dispatch.WorkerPool#incarnation}).
     * @param cause       what was wrong, with the channel and the numbers read, for the log.
     */
    void onWorkerFault(int workerSlot, int incarnation, String cause);
}
