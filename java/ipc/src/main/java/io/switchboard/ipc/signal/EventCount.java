package io.switchboard.ipc.signal;

import io.switchboard.ipc.SharedMemory;
import io.switchboard.ipc.nativeshim.Errno;
import io.switchboard.ipc.nativeshim.Shim;

import io.switchboard.ipc.memory.SharedBuffer;
import java.lang.invoke.VarHandle;


/**
 * An eventcount on one 64-bit word of shared memory: lets a consumer sleep on a
 * futex until a producer in another process says something changed, without
 * ever losing the wake-up, and lets the producer skip the system call when
 * nobody sleeps.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Waiter count (bits 0-31)                     |  offset + 0
 *  +---------------------------------------------------------------+
 *  |                  Epoch (bits 32-63): the futex word           |  offset + 4
 *  +---------------------------------------------------------------+
 * </pre>
 * The waiter's protocol, with {@code ready()} the waiter's own condition:
 * <pre>{@code
 *   int key = eventCount.prepareWait();     // waiters + 1, read the epoch: one atomic add
 *   if (ready()) eventCount.cancelWait();   // re-check after announcing
 *   else eventCount.await(key, timeoutNs);  // sleeps only if the epoch is still key
 * }</pre>
 * The signaller changes the condition, then calls {@link #signal()}. Why nothing
 * is lost: the signaller's "store the condition, then load the waiter count" and
 * the waiter's "add to the waiter count, then load the condition" are each
 * ordered by a full fence, so at least one of them sees the other's store. If
 * the waiter missed the condition, the signaller saw the waiter and bumps the
 * epoch before waking, and a waiter not yet in the kernel finds the epoch moved
 * and returns at once ({@code EAGAIN}).
 * <p>
 * Thread safety: any number of signallers; waiters may be many, though each use
 * in Switchboard has one (a doorbell's consumer, a ring's producer).
 */
public final class EventCount
{
    /** Bytes this word occupies; callers give it a padded block of its own. */
    public static final int LENGTH = 8;

    private static final long WAITER = 1L;
    private static final long WAITER_MASK = 0xFFFF_FFFFL;
    private static final long EPOCH_INCREMENT = 1L << 32;
    private static final int EPOCH_OFFSET = 4;

    private final SharedBuffer memory;
    private final long offset;
    private final long futexAddress;

    /**
     * @param memory the segment holding the word.
     * @param offset the word's offset, 8-byte aligned.
     */
    public EventCount(final SharedBuffer memory, final long offset)
    {
        memory.checkAligned(offset, Long.BYTES);
        this.memory = memory;
        this.offset = offset;
        this.futexAddress = memory.address() + offset + EPOCH_OFFSET;
    }

    /**
     * Announces a waiter.
     *
     * @return the key to pass to {@link #await(int, long)}.
     */
    public int prepareWait()
    {
        final long previous = memory.getAndAddLong(offset, WAITER);
        return (int)(previous >>> 32);
    }

    /**
     * Withdraws the announcement of {@link #prepareWait()} when the condition held after all.
     */
    public void cancelWait()
    {
        memory.getAndAddLong(offset, -WAITER);
    }

    /**
     * Sleeps until signalled after {@link #prepareWait()} returned {@code key}, at
     * most {@code timeoutNs}; returns at once if a signal came in between.
     * Withdraws the waiter in every case.
     *
     * @return true if it returned because of a signal (or spuriously), false on timeout.
     */
    public boolean await(final int key, final long timeoutNs)
    {
        final int rc = Shim.futexWait(futexAddress, key, timeoutNs);
        memory.getAndAddLong(offset, -WAITER);
        return rc != -Errno.ETIMEDOUT;
    }

    /**
     * Sleeps on the futex word until the epoch moves from {@code key}, at most
     * {@code timeoutNs}, <em>without</em> touching the waiter count: for a
     * thread that sleeps on behalf of another one which announced itself with
     * {@link #prepareWait()} and will withdraw with {@link #cancelWait()} (a
     * CM I/O thread blocked in its selector, whose watcher sleeps here and
     * wakes the selector).
     *
     * @return true if the epoch moved (or a spurious wake), false on timeout.
     */
    public boolean sleep(final int key, final long timeoutNs)
    {
        return Shim.futexWait(futexAddress, key, timeoutNs) != -Errno.ETIMEDOUT;
    }

    /**
     * Wakes the waiters, if any. Issues a full fence first so that the caller's
     * preceding store (its publication) is ordered before the load of the
     * waiter count.
     *
     * @return true if there were waiters to wake (a system call was made).
     */
    public boolean signal()
    {
        VarHandle.fullFence();
        return signalAfterFence();
    }

    /**
     * {@link #signal()} for a caller whose last store was already a full fence,
     * an atomic read-modify-write such as a CAS or {@code getAndBitwiseOr}.
     *
     * @return true if there were waiters to wake (a system call was made).
     */
    public boolean signalAfterFence()
    {
        final long value = memory.getLongVolatile(offset);
        if ((value & WAITER_MASK) == 0)
        {
            return false;
        }

        memory.getAndAddLong(offset, EPOCH_INCREMENT);
        Shim.futexWake(futexAddress, Integer.MAX_VALUE);
        return true;
    }

    /**
     * @return the epoch now: it moves only when a signal finds an announced waiter.
     */
    public int epoch()
    {
        return (int)(memory.getLongVolatile(offset) >>> 32);
    }

    /**
     * @return the number of announced waiters now (for monitoring and tests).
     */
    public int waiterCount()
    {
        return (int)(memory.getLongVolatile(offset) & WAITER_MASK);
    }

    /**
     * Resets the word: only while no process uses it (a slot being initialised).
     */
    public void reset()
    {
        memory.putLongRelease(offset, 0L);
    }
}
