package io.switchboard.ipc.segment;

import io.switchboard.ipc.nativeshim.Errno;
import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.nativeshim.Shim;
import io.switchboard.ipc.process.ProcessIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedSegmentTest
{
    private static final SegmentLayout LAYOUT = new SegmentLayout(2, 100, 4096, 1);

    private SharedSegment created;

    @AfterEach
    void destroy()
    {
        SegmentTestSupport.destroy(created);
    }

    @Test
    void shouldAttachToWhatWasCreatedAndShareTheMemory()
    {
        created = SegmentTestSupport.create(LAYOUT);
        try (SharedSegment attached = SharedSegment.attach(created.name()))
        {
            assertEquals(LAYOUT, attached.layout());
            assertFalse(attached.isCreator());
            assertEquals(ProcessIdentity.self(), attached.cmProcess());
            assertEquals(created.instanceEpoch(), attached.instanceEpoch());

            created.cmHeartbeat(12345L);
            assertEquals(12345L, attached.cmHeartbeatNs());
        }
    }

    @Test
    void shouldRefuseToCreateASegmentThatExists()
    {
        created = SegmentTestSupport.create(LAYOUT);
        final NativeCallException ex = assertThrows(
            NativeCallException.class, () -> SharedSegment.create(created.name(), LAYOUT, ProcessIdentity.self()));
        assertEquals(Errno.EEXIST, ex.errorNumber());
        assertTrue(ex.getMessage().contains(created.name()), ex.getMessage());
        assertTrue(ex.getMessage().contains("File exists"), ex.getMessage());
    }

    @Test
    void shouldNameTheSegmentWhenItDoesNotExist()
    {
        final NativeCallException ex = assertThrows(
            NativeCallException.class, () -> SharedSegment.attach("/switchboard-test-none-such"));
        assertEquals(Errno.ENOENT, ex.errorNumber());
        assertEquals("shm_open(/switchboard-test-none-such) failed: No such file or directory (errno=2)", ex.getMessage());
    }

    @Test
    void shouldRefuseAnotherLayoutVersion()
    {
        created = SegmentTestSupport.create(LAYOUT);
        created.memory().putInt(SegmentHeaderDescriptor.LAYOUT_VERSION_OFFSET, 99);

        final SegmentIncompatibleException ex =
            assertThrows(SegmentIncompatibleException.class, () -> SharedSegment.attach(created.name()));
        assertEquals(
            "segment " + created.name() + " has layout version 99, this build reads version " +
            SegmentHeaderDescriptor.LAYOUT_VERSION + ": run the CM and its workers from the same build",
            ex.getMessage());
    }

    @Test
    void shouldRefuseAHeaderWhoseSizesDisagree()
    {
        created = SegmentTestSupport.create(LAYOUT);
        created.memory().putLong(SegmentHeaderDescriptor.RINGS_OFFSET_OFFSET, 64);

        final SegmentIncompatibleException ex =
            assertThrows(SegmentIncompatibleException.class, () -> SharedSegment.attach(created.name()));
        assertTrue(ex.getMessage().contains("ringsOffset=64, expected " + LAYOUT.ringsOffset()), ex.getMessage());
    }

    @Test
    void shouldRefuseImpossibleSizes()
    {
        created = SegmentTestSupport.create(LAYOUT);
        created.memory().putInt(SegmentHeaderDescriptor.RING_CAPACITY_OFFSET, 1000);

        final SegmentIncompatibleException ex =
            assertThrows(SegmentIncompatibleException.class, () -> SharedSegment.attach(created.name()));
        assertTrue(ex.getMessage().contains("capacity=1000"), ex.getMessage());
    }

    @Test
    void shouldRefuseAForeignFile() throws IOException
    {
        final String name = SegmentNames.newName(ProcessIdentity.self().pid());
        final Path file = Path.of("/dev/shm", name.substring(1));
        Files.write(file, "this is not a segment, just some bytes that happen to be here".repeat(20).getBytes());
        try
        {
            final SegmentIncompatibleException ex =
                assertThrows(SegmentIncompatibleException.class, () -> SharedSegment.attach(name));
            assertTrue(ex.getMessage().startsWith("not a Switchboard segment: " + name + " has magic 0x"), ex.getMessage());

            assertFalse(ex.isUninitialised());
            assertThrows(SegmentIncompatibleException.class, () -> SharedSegment.attach(name, 10_000_000_000L),
                "a foreign file is refused at once, not waited for");

            Files.write(file, new byte[16]);
            final SegmentIncompatibleException tooSmall =
                assertThrows(SegmentIncompatibleException.class, () -> SharedSegment.attach(name));
            assertTrue(tooSmall.getMessage().contains("smaller than a header"), tooSmall.getMessage());

            Files.write(file, new byte[SegmentHeaderDescriptor.LENGTH]);
            final SegmentIncompatibleException unpublished =
                assertThrows(SegmentIncompatibleException.class, () -> SharedSegment.attach(name, 20_000_000L));
            assertTrue(unpublished.isUninitialised(), unpublished.getMessage());
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void shouldUnlinkOnceAndFailAccessAfterClose()
    {
        final SharedSegment segment = SegmentTestSupport.create(LAYOUT);
        assertTrue(segment.unlink());
        assertFalse(segment.unlink());
        segment.close();
        segment.close();
        if ("ffm".equals(io.switchboard.ipc.nativeshim.NativeAccess.current().name()))
        {
            // only FFM fences off an unmapped segment; on JNA the access would fault, which is why closers stop readers first
            assertThrows(IllegalStateException.class, () -> segment.memory().getLong(0));
        }
        assertEquals(-Errno.ENOENT, Shim.shmUnlink(segment.name()));
    }

    @Test
    void shouldRejectLayoutsOutOfRange()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(0, 100, 4096, 1));
        assertTrue(ex.getMessage().contains("workerSlotCount=0"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SegmentLayout(1, 1 << 16, 1 << 30, 1));
    }
}
