package io.switchboard.ipc.segment;

import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.process.ProcessIdentity;

import io.switchboard.ipc.memory.SharedBuffer;

import static io.switchboard.ipc.segment.WorkerSlotDescriptor.DOORBELL_OFFSET;
import static io.switchboard.ipc.segment.WorkerSlotDescriptor.EPOCH_OFFSET;
import static io.switchboard.ipc.segment.WorkerSlotDescriptor.HEARTBEAT_OFFSET;
import static io.switchboard.ipc.segment.WorkerSlotDescriptor.PID_OFFSET;
import static io.switchboard.ipc.segment.WorkerSlotDescriptor.RUNTIME_VERSION_OFFSET;
import static io.switchboard.ipc.segment.WorkerSlotDescriptor.START_TIME_OFFSET;
import static io.switchboard.ipc.segment.WorkerSlotDescriptor.STATE_OFFSET;

/**
 * Reads and writes the worker slots of a segment (layout in
 * {@link WorkerSlotDescriptor}). The CM claims a slot for a process it starts
 * ({@link #claim}), the worker announces it is ready ({@link #markReady}) and
 * beats its heartbeat; the CM reads both and reclaims the slot when the process
 * is gone.
 */
public final class WorkerSlots
{
    private final SharedBuffer memory;
    private final SegmentLayout layout;

    public WorkerSlots(final SharedSegment segment)
    {
        this.memory = segment.memory();
        this.layout = segment.layout();
    }

    /**
     * CM: gives a FREE slot to a starting process: resets its doorbell, records
     * who it is, increments the epoch, then moves it to STARTING.
     *
     * @return false if the slot was not FREE.
     */
    public boolean claim(final int slot, final ProcessIdentity process)
    {
        return claim(slot, process, System.nanoTime());
    }

    /**
     * {@link #claim(int, ProcessIdentity)} with the CM's clock read by the caller: {@code nowNs} becomes the
     * slot's heartbeat until the worker beats, the baseline a heartbeat audit compares the worker's beats with.
     *
     * @return false if the slot was not FREE.
     */
    public boolean claim(final int slot, final ProcessIdentity process, final long nowNs)
    {
        final long offset = offset(slot);
        if (memory.getIntAcquire(offset + STATE_OFFSET) != WorkerState.FREE.code())
        {
            return false;
        }

        doorbell(slot).reset();
        memory.putInt(offset + PID_OFFSET, process.pid());
        memory.putLong(offset + START_TIME_OFFSET, process.startTime());
        memory.putLong(offset + EPOCH_OFFSET, memory.getLong(offset + EPOCH_OFFSET) + 1);
        memory.putLong(offset + RUNTIME_VERSION_OFFSET, 0L);
        memory.putLongRelease(offset + HEARTBEAT_OFFSET, nowNs);
        return memory.compareAndSetInt(offset + STATE_OFFSET, WorkerState.FREE.code(), WorkerState.STARTING.code());
    }

    /**
     * Worker: announces it has attached and serves, and which Java runtime it runs (published by the CAS).
     *
     * @return false if the slot was not STARTING (the CM gave it up).
     */
    public boolean markReady(final int slot)
    {
        memory.putLong(offset(slot) + RUNTIME_VERSION_OFFSET, packRuntimeVersion(Runtime.version()));
        heartbeat(slot, System.nanoTime());
        return memory.compareAndSetInt(offset(slot) + STATE_OFFSET, WorkerState.STARTING.code(), WorkerState.READY.code());
    }

    /**
     * Moves a slot to a state unconditionally (the CM declaring a worker DEAD, or FREE after reclaiming it).
     */
    public void setState(final int slot, final WorkerState state)
    {
        memory.putIntRelease(offset(slot) + STATE_OFFSET, state.code());
    }

    /**
     * @return the slot's state, or null if the word holds no valid state (a worker scribbled on it).
     */
    public WorkerState state(final int slot)
    {
        return WorkerState.of(memory.getIntAcquire(offset(slot) + STATE_OFFSET));
    }

    /**
     * @return the process the CM recorded for this slot.
     */
    public ProcessIdentity process(final int slot)
    {
        final long offset = offset(slot);
        return new ProcessIdentity(memory.getInt(offset + PID_OFFSET), memory.getLong(offset + START_TIME_OFFSET));
    }

    /**
     * CM: which Java the slot's worker runs, as it wrote before READY; read only after READY was seen.
     *
     * @return e.g. {@code 25.0.1}, or null if the worker wrote none.
     */
    public String runtimeVersion(final int slot)
    {
        return formatRuntimeVersion(memory.getLong(offset(slot) + RUNTIME_VERSION_OFFSET));
    }

    /**
     * @return feature, interim, update and patch of {@code version} in 16 bits each, most significant first (a
     * number above 65,535 is stored as 65,535); the pre-release and build parts are left out.
     */
    public static long packRuntimeVersion(final Runtime.Version version)
    {
        return (clamp16(version.feature()) << 48) | (clamp16(version.interim()) << 32) |
            (clamp16(version.update()) << 16) | clamp16(version.patch());
    }

    /**
     * @return the packed version as {@code java.version} writes a release's: {@code 25}, {@code 25.0.1},
     * trailing zero parts left out; null for 0 (none written).
     */
    public static String formatRuntimeVersion(final long packed)
    {
        if (packed == 0)
        {
            return null;
        }
        final int[] parts = {(int)(packed >>> 48), (int)(packed >>> 32) & 0xFFFF, (int)(packed >>> 16) & 0xFFFF,
            (int)packed & 0xFFFF};
        int last = parts.length - 1;
        while (last > 0 && parts[last] == 0)
        {
            last--;
        }
        final StringBuilder text = new StringBuilder().append(parts[0]);
        for (int i = 1; i <= last; i++)
        {
            text.append('.').append(parts[i]);
        }
        return text.toString();
    }

    private static long clamp16(final int part)
    {
        return Math.min(Math.max(part, 0), 0xFFFF);
    }

    public long epoch(final int slot)
    {
        return memory.getLong(offset(slot) + EPOCH_OFFSET);
    }

    /**
     * Worker: records that it is alive now.
     */
    public void heartbeat(final int slot, final long nowNs)
    {
        memory.putLongRelease(offset(slot) + HEARTBEAT_OFFSET, nowNs);
    }

    /**
     * @return when the worker last said it was alive, CLOCK_MONOTONIC ns.
     */
    public long heartbeatNs(final int slot)
    {
        return memory.getLongAcquire(offset(slot) + HEARTBEAT_OFFSET);
    }

    /**
     * @return a view of the worker's doorbell (allocates: make it once per slot and keep it).
     */
    public Doorbell doorbell(final int slot)
    {
        return new Doorbell(memory, offset(slot) + DOORBELL_OFFSET, layout.channelSlotCount());
    }

    public int slotCount()
    {
        return layout.workerSlotCount();
    }

    private long offset(final int slot)
    {
        if (slot < 0 || slot >= layout.workerSlotCount())
        {
            throw new IllegalArgumentException(
                "worker slot out of range: slot=" + slot + " workerSlotCount=" + layout.workerSlotCount());
        }

        return layout.workerSlotOffset(slot);
    }
}
