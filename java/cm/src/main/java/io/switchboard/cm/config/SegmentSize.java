package io.switchboard.cm.config;

import io.switchboard.ipc.ring.RingDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of {@code /dev/shm} an instance's segment takes, said in the options that size it, and the message
 * for a {@code /dev/shm} too small to hold it. The segment's pages are all reserved when it is made (the shim's
 * {@code posix_fallocate}), so a shortfall stops the start with this message instead of a SIGBUS under load.
 * <pre>
 *   bytes = --channels x 2 rings x (--ring-capacity + 384)      rings: almost all of it
 *         + header, CM doorbells, worker slots, channel slots  a few KiB to a few MiB
 * </pre>
 * 257 MiB with the defaults (1,024 channels of two 128 KiB rings).
 */
public record SegmentSize(SegmentLayout layout)
{
    /** Where glibc's {@code shm_open} puts shared-memory objects on Linux. */
    public static final Path DEV_SHM = Path.of("/dev/shm");

    private static final long MIB = 1L << 20;

    public long bytes()
    {
        return layout.segmentLength();
    }

    /**
     * @return e.g. {@code 257 MiB (--channels 1024 x 2 rings x (--ring-capacity 131072 + 384) + 12 KiB of header
     * and slots)}.
     */
    public String describe()
    {
        final long rings = (long)layout.channelSlotCount() * 2 * RingDescriptor.length(layout.ringCapacity());
        return mib(bytes()) + " (--channels " + layout.channelSlotCount() + " x 2 rings x (--ring-capacity " +
            layout.ringCapacity() + " + " + RingDescriptor.HEADER_LENGTH + ") + " +
            kib(bytes() - rings) + " of header and slots)";
    }

    /**
     * @return the bytes {@code /dev/shm} has free now, or -1 if it cannot be told.
     */
    public static long devShmFreeBytes()
    {
        try
        {
            return Files.getFileStore(DEV_SHM).getUsableSpace();
        }
        catch (final IOException | SecurityException ex)
        {
            return -1;
        }
    }

    /**
     * @param freeBytes what {@code /dev/shm} had free when the segment was refused, or -1 if unknown.
     * @return the one line an operator needs: what is needed, what there is, which options to lower, how to grow it.
     */
    public String tooLargeFor(final long freeBytes)
    {
        // room for the segment and a little over, rounded up to 64 MiB as shm sizes usually are
        final long suggestMib = ((bytes() + bytes() / 8) / MIB + 63) / 64 * 64;
        return "shared memory: " + DEV_SHM + " has " + (freeBytes < 0 ? "too little" : mib(freeBytes)) + " free, " +
            "the segment needs " + describe() + "; lower --channels or --ring-capacity, or enlarge " + DEV_SHM +
            " (docker run --shm-size=" + suggestMib + "m; Kubernetes: an emptyDir of medium Memory on /dev/shm)";
    }

    static String mib(final long bytes)
    {
        return (bytes + MIB - 1) / MIB + " MiB";
    }

    private static String kib(final long bytes)
    {
        return (bytes + 1023) / 1024 + " KiB";
    }
}
