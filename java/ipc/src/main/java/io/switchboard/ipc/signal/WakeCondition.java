package io.switchboard.ipc.signal;

/**
 * What a parked thread waits for, re-checked after it has announced itself on
 * the {@link EventCount} and before it sleeps. Must not block or allocate.
 */
@FunctionalInterface
public interface WakeCondition
{
    /**
     * @return true when there is something to do, so sleeping would be wrong.
     */
    boolean isSatisfied();
}
