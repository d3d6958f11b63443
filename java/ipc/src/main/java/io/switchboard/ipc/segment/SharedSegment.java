package io.switchboard.ipc.segment;

import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.memory.SharedBuffer;
import io.switchboard.ipc.nativeshim.Errno;
import io.switchboard.ipc.nativeshim.NativeAccess;
import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.nativeshim.Shim;
import io.switchboard.ipc.process.ProcessIdentity;

import java.security.SecureRandom;
import java.util.concurrent.locks.LockSupport;

import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CHANNEL_SLOT_COUNT_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CHANNEL_SLOT_LENGTH_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CHANNEL_SLOTS_OFFSET_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CM_DOORBELLS_OFFSET_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CM_DOORBELL_COUNT_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CM_HEARTBEAT_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CM_PID_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.CM_START_TIME_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.DOORBELL_LENGTH_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.HEADER_LENGTH_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.INSTANCE_EPOCH_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.LAYOUT_VERSION;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.LAYOUT_VERSION_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.MAGIC;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.MAGIC_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.RINGS_OFFSET_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.RING_CAPACITY_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.SEGMENT_LENGTH_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.WORKER_SLOTS_OFFSET_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.WORKER_SLOT_COUNT_OFFSET;
import static io.switchboard.ipc.segment.SegmentHeaderDescriptor.WORKER_SLOT_LENGTH_OFFSET;

/**
 * One instance's POSIX shared-memory segment, mapped once into this process.
 * The CM {@link #create creates} it (exclusively, mode 0600), every worker
 * {@link #attach attaches} to it; layout in {@link SegmentLayout} and the
 * {@code *Descriptor} classes.
 * <p>
 * The mapping is one {@link SharedBuffer} made by this JVM's {@link NativeAccess}. On FFM it belongs to a shared
 * arena: closing it is expensive (a handshake with every thread) and happens once, at {@link #close()}, after which
 * any access fails instead of touching unmapped memory. On JNA nothing guards it: whoever closes a segment stops
 * every thread that reads it first, which the CM and the worker do anyway.
 */
public final class SharedSegment implements AutoCloseable
{
    private static final SecureRandom EPOCH_RANDOM = new SecureRandom();

    private final String name;
    private final SegmentLayout layout;
    private final NativeAccess.Mapping mapping;
    private final SharedBuffer memory;
    private final boolean creator;
    private final ChannelFreeList channelFreeList;

    private SharedSegment(
        final String name, final SegmentLayout layout, final NativeAccess.Mapping mapping, final boolean creator)
    {
        this.name = name;
        this.layout = layout;
        this.mapping = mapping;
        this.memory = mapping.buffer();
        this.creator = creator;
        this.channelFreeList = creator ? new ChannelFreeList(layout.channelSlotCount()) : null;
    }

    /**
     * Creates, sizes, maps and initialises a new segment: header, free channel
     * list, ring offsets. Pages are zero, so every position, state and doorbell
     * starts at zero.
     *
     * @param name   a name from {@link SegmentNames#newName(int)}.
     * @param layout the sizes.
     * @param cm     the creating process, recorded so that others can tell when it is gone.
     * @throws NativeCallException naming the segment when it exists or cannot be made.
     */
    public static SharedSegment create(final String name, final SegmentLayout layout, final ProcessIdentity cm)
    {
        final long length = layout.segmentLength();
        final long address = Shim.shmCreate(name, length);
        final NativeAccess.Mapping mapping;
        try
        {
            mapping = map(address, length);
        }
        catch (final RuntimeException ex)
        {
            Shim.shmUnlink(name);
            throw ex;
        }
        final SharedSegment segment = new SharedSegment(name, layout, mapping, true);
        try
        {
            segment.initialise(cm);
        }
        catch (final RuntimeException ex)
        {
            segment.close();
            Shim.shmUnlink(name);
            throw ex;
        }

        return segment;
    }

    /**
     * Maps an existing segment and checks that this build can read it.
     *
     * @throws SegmentIncompatibleException for a foreign object, another layout version or inconsistent sizes.
     * @throws NativeCallException          naming the segment when it cannot be opened (ENOENT when it is gone).
     */
    public static SharedSegment attach(final String name)
    {
        final long[] opened = Shim.shmOpen(name);
        final long address = opened[0];
        final long length = opened[1];
        final NativeAccess.Mapping mapping = map(address, length);
        try
        {
            final SegmentLayout layout = validate(name, mapping.buffer());
            return new SharedSegment(name, layout, mapping, false);
        }
        catch (final RuntimeException ex)
        {
            mapping.close();
            throw ex;
        }
    }

    /**
     * {@link #attach(String)}, retried while the segment does not exist yet or its CM is still
     * writing its header: a process started by the CM may get there first.
     *
     * @param timeoutNs how long to keep trying.
     * @throws SegmentIncompatibleException at once for a foreign or incompatible segment.
     * @throws NativeCallException          when the segment is still missing at the deadline.
     */
    public static SharedSegment attach(final String name, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            try
            {
                return attach(name);
            }
            catch (final NativeCallException | SegmentIncompatibleException ex)
            {
                final boolean worthWaiting = ex instanceof NativeCallException call ?
                    call.errorNumber() == Errno.ENOENT : ((SegmentIncompatibleException)ex).isUninitialised();
                if (!worthWaiting || System.nanoTime() - deadlineNs > 0)
                {
                    throw ex;
                }
                LockSupport.parkNanos(5_000_000L);
            }
        }
    }

    private static NativeAccess.Mapping map(final long address, final long length)
    {
        try
        {
            return NativeAccess.current().map(address, length, () -> Shim.shmUnmap(address, length));
        }
        catch (final RuntimeException ex)
        {
            Shim.shmUnmap(address, length);
            throw ex;
        }
    }

    private void initialise(final ProcessIdentity cm)
    {
        memory.putInt(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
        memory.putInt(HEADER_LENGTH_OFFSET, SegmentHeaderDescriptor.LENGTH);
        memory.putLong(SEGMENT_LENGTH_OFFSET, layout.segmentLength());
        memory.putInt(WORKER_SLOT_COUNT_OFFSET, layout.workerSlotCount());
        memory.putInt(WORKER_SLOT_LENGTH_OFFSET, layout.workerSlotLength());
        memory.putInt(CHANNEL_SLOT_COUNT_OFFSET, layout.channelSlotCount());
        memory.putInt(CHANNEL_SLOT_LENGTH_OFFSET, layout.channelSlotLength());
        memory.putInt(RING_CAPACITY_OFFSET, layout.ringCapacity());
        memory.putInt(CM_DOORBELL_COUNT_OFFSET, layout.cmDoorbellCount());
        memory.putInt(DOORBELL_LENGTH_OFFSET, layout.doorbellLength());
        memory.putLong(CM_DOORBELLS_OFFSET_OFFSET, layout.cmDoorbellsOffset());
        memory.putLong(WORKER_SLOTS_OFFSET_OFFSET, layout.workerSlotsOffset());
        memory.putLong(CHANNEL_SLOTS_OFFSET_OFFSET, layout.channelSlotsOffset());
        memory.putLong(RINGS_OFFSET_OFFSET, layout.ringsOffset());
        memory.putInt(CM_PID_OFFSET, cm.pid());
        memory.putLong(CM_START_TIME_OFFSET, cm.startTime());
        memory.putLong(INSTANCE_EPOCH_OFFSET, EPOCH_RANDOM.nextLong());
        memory.putLong(CM_HEARTBEAT_OFFSET, System.nanoTime());

        ChannelSlots.initialise(memory, layout);

        // last, with release: whoever sees the magic sees everything above
        memory.putLongRelease((long)MAGIC_OFFSET, MAGIC);
    }

    private static SegmentLayout validate(final String name, final SharedBuffer memory)
    {
        final long length = memory.capacity();
        if (length < SegmentHeaderDescriptor.LENGTH)
        {
            throw new SegmentIncompatibleException(
                "not a Switchboard segment: " + name + " is " + length + " bytes, smaller than a header (" +
                SegmentHeaderDescriptor.LENGTH + ")");
        }

        final long magic = memory.getLongAcquire((long)MAGIC_OFFSET);
        if (magic == 0)
        {
            throw new SegmentIncompatibleException(
                "segment " + name + " is not initialised (magic is 0): its CM is starting or died while creating it", true);
        }

        if (magic != MAGIC)
        {
            throw new SegmentIncompatibleException(
                "not a Switchboard segment: " + name + " has magic 0x" + Long.toHexString(magic) +
                ", expected 0x" + Long.toHexString(MAGIC));
        }

        final int version = memory.getInt(LAYOUT_VERSION_OFFSET);
        if (version != LAYOUT_VERSION)
        {
            throw new SegmentIncompatibleException(
                "segment " + name + " has layout version " + version + ", this build reads version " +
                LAYOUT_VERSION + ": run the CM and its workers from the same build");
        }

        final SegmentLayout layout;
        try
        {
            layout = new SegmentLayout(
                memory.getInt(WORKER_SLOT_COUNT_OFFSET),
                memory.getInt(CHANNEL_SLOT_COUNT_OFFSET),
                memory.getInt(RING_CAPACITY_OFFSET),
                memory.getInt(CM_DOORBELL_COUNT_OFFSET));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SegmentIncompatibleException("segment " + name + " header holds impossible sizes: " + ex.getMessage());
        }

        checkField(name, "headerLength", memory.getInt(HEADER_LENGTH_OFFSET), SegmentHeaderDescriptor.LENGTH);
        checkField(name, "segmentLength", memory.getLong(SEGMENT_LENGTH_OFFSET), layout.segmentLength());
        checkField(name, "mapped length", length, layout.segmentLength());
        checkField(name, "workerSlotLength", memory.getInt(WORKER_SLOT_LENGTH_OFFSET), layout.workerSlotLength());
        checkField(name, "channelSlotLength", memory.getInt(CHANNEL_SLOT_LENGTH_OFFSET), layout.channelSlotLength());
        checkField(name, "doorbellLength", memory.getInt(DOORBELL_LENGTH_OFFSET), layout.doorbellLength());
        checkField(name, "cmDoorbellsOffset", memory.getLong(CM_DOORBELLS_OFFSET_OFFSET), layout.cmDoorbellsOffset());
        checkField(name, "workerSlotsOffset", memory.getLong(WORKER_SLOTS_OFFSET_OFFSET), layout.workerSlotsOffset());
        checkField(name, "channelSlotsOffset", memory.getLong(CHANNEL_SLOTS_OFFSET_OFFSET), layout.channelSlotsOffset());
        checkField(name, "ringsOffset", memory.getLong(RINGS_OFFSET_OFFSET), layout.ringsOffset());

        return layout;
    }

    private static void checkField(final String name, final String field, final long found, final long expected)
    {
        if (found != expected)
        {
            throw new SegmentIncompatibleException(
                "segment " + name + " header disagrees with its own sizes: " + field + "=" + found +
                ", expected " + expected);
        }
    }

    /**
     * @return the free channel slots: in this process's heap, not the segment, so no worker can reach them.
     * @throws IllegalStateException in a process that attached: only the creator (the CM) allocates channels.
     */
    public ChannelFreeList channelFreeList()
    {
        if (channelFreeList == null)
        {
            throw new IllegalStateException("segment " + name + " was attached, not created here: only the CM allocates channels");
        }
        return channelFreeList;
    }

    /**
     * @return the name, with its leading slash.
     */
    public String name()
    {
        return name;
    }

    public SegmentLayout layout()
    {
        return layout;
    }

    /**
     * @return the whole mapping; offsets into it come from {@link #layout()}.
     */
    public SharedBuffer memory()
    {
        return memory;
    }

    /**
     * @return whether this process created the segment (and so should unlink it).
     */
    public boolean isCreator()
    {
        return creator;
    }

    /**
     * @return the CM that created the segment.
     */
    public ProcessIdentity cmProcess()
    {
        return new ProcessIdentity(memory.getInt(CM_PID_OFFSET), memory.getLong(CM_START_TIME_OFFSET));
    }

    /**
     * @return the random number of this CM start: tells a restarted instance from the one before.
     */
    public long instanceEpoch()
    {
        return memory.getLong(INSTANCE_EPOCH_OFFSET);
    }

    /**
     * @return a view of CM doorbell {@code index}, rung by workers for outbound
     * frames (allocates: make it once and keep it).
     */
    public Doorbell cmDoorbell(final int index)
    {
        if (index < 0 || index >= layout.cmDoorbellCount())
        {
            throw new IllegalArgumentException(
                "CM doorbell out of range: index=" + index + " cmDoorbellCount=" + layout.cmDoorbellCount());
        }

        return new Doorbell(memory, layout.cmDoorbellOffset(index), layout.channelSlotCount());
    }

    /**
     * Records that the CM is alive now.
     */
    public void cmHeartbeat(final long nowNs)
    {
        memory.putLongRelease((long)CM_HEARTBEAT_OFFSET, nowNs);
    }

    /**
     * @return when the CM last said it was alive, CLOCK_MONOTONIC ns.
     */
    public long cmHeartbeatNs()
    {
        return memory.getLongAcquire((long)CM_HEARTBEAT_OFFSET);
    }

    /**
     * Removes the segment's name; the memory lives on until every process has unmapped it.
     *
     * @return true if this call removed it, false if it was already gone.
     */
    public boolean unlink()
    {
        final int rc = Shim.shmUnlink(name);
        if (rc == 0)
        {
            return true;
        }

        if (-rc == Errno.ENOENT)
        {
            return false;
        }

        throw new NativeCallException("shm_unlink", name, -rc);
    }

    /**
     * Unmaps the segment from this process. Idempotent.
     */
    public void close()
    {
        mapping.close();
    }

    @Override
    public String toString()
    {
        return "SharedSegment{name=" + name + ", length=" + memory.capacity() + ", " + layout + '}';
    }
}
