package io.switchboard.ipc.segment;

/**
 * The state of a worker slot, as stored in its state word. The CM moves
 * FREE to STARTING (when it launches a worker), the worker STARTING to READY
 * (when it has attached), either side READY to DRAINING, and the CM any state
 * to DEAD and DEAD to FREE (when it reclaims the slot).
 */
public enum WorkerState
{
    FREE(0),
    STARTING(1),
    READY(2),
    DRAINING(3),
    DEAD(4);

    private static final WorkerState[] BY_CODE = {FREE, STARTING, READY, DRAINING, DEAD};

    private final int code;

    WorkerState(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /**
     * @return the state of a code read from shared memory, or null for a code that names none.
     */
    public static WorkerState of(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
