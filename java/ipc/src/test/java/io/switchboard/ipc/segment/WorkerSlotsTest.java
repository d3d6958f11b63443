package io.switchboard.ipc.segment;

import io.switchboard.ipc.process.ProcessIdentity;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's runtime version in its slot: written at READY, cleared by the next claim, printed as
 * {@code java.version} prints a release's.
 */
class WorkerSlotsTest
{
    @Test
    void shouldPrintPackedVersionsAsJavaVersionDoes()
    {
        assertEquals("25", WorkerSlots.formatRuntimeVersion(WorkerSlots.packRuntimeVersion(Runtime.Version.parse("25+36"))));
        assertEquals("25.0.1",
            WorkerSlots.formatRuntimeVersion(WorkerSlots.packRuntimeVersion(Runtime.Version.parse("25.0.1+8-LTS"))));
        assertEquals("21.0.10.1",
            WorkerSlots.formatRuntimeVersion(WorkerSlots.packRuntimeVersion(Runtime.Version.parse("21.0.10.1"))));
        assertEquals("22.0.0.3",
            WorkerSlots.formatRuntimeVersion(WorkerSlots.packRuntimeVersion(Runtime.Version.parse("22.0.0.3"))));
        assertNull(WorkerSlots.formatRuntimeVersion(0));
    }

    @Test
    void shouldPublishTheWorkersVersionAtReadyAndForgetItAtTheNextClaim()
    {
        final SharedSegment segment = SegmentTestSupport.create(new SegmentLayout(2, 4, 1024, 1));
        try
        {
            final WorkerSlots slots = new WorkerSlots(segment);
            assertTrue(slots.claim(1, ProcessIdentity.self()));
            assertNull(slots.runtimeVersion(1), "nothing before READY");

            assertTrue(slots.markReady(1));
            final String expected = System.getProperty("java.version");
            assertTrue(expected.startsWith(slots.runtimeVersion(1)), slots.runtimeVersion(1) + " vs " + expected);
            assertEquals(Runtime.version().feature(), Integer.parseInt(slots.runtimeVersion(1).split("\\.")[0]));

            slots.setState(1, WorkerState.FREE);
            assertTrue(slots.claim(1, ProcessIdentity.self()));
            assertNull(slots.runtimeVersion(1), "the previous occupant's version is not the next one's");
        }
        finally
        {
            SegmentTestSupport.destroy(segment);
        }
    }
}
