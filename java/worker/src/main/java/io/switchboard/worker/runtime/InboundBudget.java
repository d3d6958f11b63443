package io.switchboard.worker.runtime;

import io.switchboard.rpc.stream.AssemblyBudget;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * The heap a worker lets its distributed sessions take for inbound frames still being assembled, beyond each
 * session's initial buffer: one budget for all of them. Each session's {@link io.switchboard.rpc.stream.FrameAssembler}
 * holds an {@link Account} and asks it before it grows; a session refused is not read further (its bytes stay in
 * its ring) and is woken when budget is given back.
 * <p>
 * A grant is refused when it would leave free less than the largest amount any holder, the asker included, still
 * needs to finish its frame. Then some holder can always finish and give its share back, so sessions waiting for
 * each other's budget never all wait forever (the banker's rule, for one resource). Sessions whose frames fit their
 * initial buffer never ask, and are served whatever the budget.
 * <pre>
 *   capacity: |-- held by accounts (growing with bytes that arrived) --|------------ free -------------|
 *   a grant of n to an account needing m after it:  free - n >= max(m, every other holder's need)
 * </pre>
 * Poller thread only, but for {@link #usedBytes()}.
 */
final class InboundBudget
{
    private final long capacityBytes;
    private final IntConsumer wake;
    private final ArrayList<Account> holders = new ArrayList<>();
    private final BitSet waiting = new BitSet();
    /** Written by the poller alone (so += is safe); volatile for readers elsewhere. */
    private volatile long usedBytes;

    /**
     * @param wake told the slot of each refused session once budget is given back (requeues its doorbell bit).
     */
    InboundBudget(final long capacityBytes, final IntConsumer wake)
    {
        if (capacityBytes <= 0)
        {
            throw new IllegalArgumentException("capacityBytes=" + capacityBytes + " (at least 1)");
        }
        this.capacityBytes = capacityBytes;
        this.wake = wake;
    }

    /**
     * @return the account of the session on channel slot {@code slot}.
     */
    Account account(final int slot)
    {
        return new Account(slot);
    }

    long capacityBytes()
    {
        return capacityBytes;
    }

    /**
     * @return bytes granted and not given back, across all sessions; any thread.
     */
    long usedBytes()
    {
        return usedBytes;
    }

    private boolean tryGrant(final Account asker, final int bytes, final long needAfterBytes)
    {
        final long free = capacityBytes - usedBytes;
        long largestNeed = needAfterBytes;
        for (int i = 0, n = holders.size(); i < n; i++)
        {
            final Account holder = holders.get(i);
            if (holder != asker)
            {
                largestNeed = Math.max(largestNeed, holder.needBytes);
            }
        }
        if (bytes > free || free - bytes < largestNeed)
        {
            waiting.set(asker.slot);
            return false;
        }
        if (asker.heldBytes == 0)
        {
            holders.add(asker);
        }
        asker.heldBytes += bytes;
        asker.needBytes = needAfterBytes;
        usedBytes += bytes;
        return true;
    }

    private void release(final Account holder)
    {
        if (holder.heldBytes == 0)
        {
            return;
        }
        holders.remove(holder);
        usedBytes -= holder.heldBytes;
        holder.heldBytes = 0;
        holder.needBytes = 0;
        for (int slot = waiting.nextSetBit(0); slot >= 0; slot = waiting.nextSetBit(slot + 1))
        {
            wake.accept(slot);
        }
        waiting.clear();
    }

    /**
     * One session's share.
     */
    final class Account implements AssemblyBudget
    {
        private final int slot;
        private long heldBytes;
        private long needBytes;

        private Account(final int slot)
        {
            this.slot = slot;
        }

        long heldBytes()
        {
            return heldBytes;
        }

        @Override
        public long limitBytes()
        {
            return capacityBytes;
        }

        @Override
        public boolean tryGrow(final int bytes, final long needAfterBytes)
        {
            return tryGrant(this, bytes, needAfterBytes);
        }

        @Override
        public void releaseAll()
        {
            release(this);
        }
    }
}
