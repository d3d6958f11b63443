package io.switchboard.cm.supervisor;

/**
 * Which slot a worker's output lines are logged under: a worker started for a slot keeps its slot; a spare has
 * none until it is handed one, from then on its lines name that slot.
 * <p>
 * Written by the supervisor's thread, read by the worker's output relays.
 */
final class WorkerOutputTag
{
    /** The slot of a spare worker that has not been handed one. */
    static final int SPARE = -1;

    private volatile int slot;

    WorkerOutputTag(final int slot)
    {
        this.slot = slot;
    }

    /**
     * A spare was handed {@code slot}.
     */
    void assign(final int slot)
    {
        this.slot = slot;
    }

    int slot()
    {
        return slot;
    }

    /**
     * @return "slot=3", or "spare".
     */
    String describe()
    {
        final int current = slot;
        return current == SPARE ? "spare" : "slot=" + current;
    }
}
