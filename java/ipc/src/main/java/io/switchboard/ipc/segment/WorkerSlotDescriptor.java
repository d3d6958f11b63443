package io.switchboard.ipc.segment;

import io.switchboard.ipc.SharedMemory;
import io.switchboard.ipc.doorbell.DoorbellDescriptor;

/**
 * Layout of one worker slot: who the worker is, its state and heartbeat, and
 * the doorbell the CM rings when a channel to that worker has frames.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 State (WorkerState): the CM and the worker     |  0
 *  +---------------------------------------------------------------+
 *  |                 Pid: written by the CM before STARTING         |  4
 *  +---------------------------------------------------------------+
 *  |        Start time (64 bits, clock ticks since boot)           |  8
 *  |        Epoch (64 bits): incremented by the CM per occupant     |  16
 *  +---------------------------------------------------------------+
 *  |  Runtime version (64 bits): the worker, before READY; 0 from   |  24
 *  |  the CM's claim. Feature, interim, update, patch: 16 bits each |
 *  +---------------------------------------------------------------+
 *  |                 Reserved to 128 bytes                        ...  32
 *  +---------------------------------------------------------------+
 *  |   Heartbeat (64 bits, CLOCK_MONOTONIC ns): the worker, own 128 |  128
 *  +---------------------------------------------------------------+
 *  |   Doorbell (DoorbellDescriptor): rung by the CM               ...  256
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class WorkerSlotDescriptor
{
    public static final int STATE_OFFSET = 0;
    public static final int PID_OFFSET = 4;
    public static final int START_TIME_OFFSET = 8;
    public static final int EPOCH_OFFSET = 16;
    /**
     * The worker JVM's {@link Runtime#version()}, packed by {@link WorkerSlots#packRuntimeVersion}: written once by
     * the worker before its READY CAS, which publishes it (the CM reads it after an acquire load of READY), so the
     * CM learns which Java each worker runs without asking it anything. Zeroed by the CM when it claims the slot.
     */
    public static final int RUNTIME_VERSION_OFFSET = 24;
    public static final int HEARTBEAT_OFFSET = SharedMemory.PADDED_LENGTH;
    public static final int DOORBELL_OFFSET = 2 * SharedMemory.PADDED_LENGTH;

    private WorkerSlotDescriptor()
    {
    }

    /**
     * @return the bytes of one worker slot in a segment with {@code channelCount} channels.
     */
    public static int length(final int channelCount)
    {
        return DOORBELL_OFFSET + DoorbellDescriptor.length(channelCount);
    }
}
