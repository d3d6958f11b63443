package io.switchboard.cm.admin;

import io.switchboard.cm.supervisor.WorkerStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceReadinessTest
{
    private final boolean[] dispatchable = new boolean[3];
    private final AtomicBoolean starting = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger statusReads = new AtomicInteger();
    private List<WorkerStatus> slots = List.of(status(0, "STARTING"), status(1, "BACKOFF"), status(2, "SPARE"));

    @Test
    void shouldBeReadyWithOneDispatchableWorkerWithoutAskingTheSupervisor()
    {
        dispatchable[1] = true;

        final InstanceReadiness.Answer answer = readiness(List.of("demo")).check();

        assertTrue(answer.ready());
        assertEquals("ready: application 'demo' served by the READY workers in slots 1", answer.reason());
        assertEquals(0, statusReads.get(), "a load balancer's frequent polls cost the supervisor nothing");
    }

    @Test
    void shouldSayWhichSlotsAreInWhichStateWhenNoWorkerIsReady()
    {
        final InstanceReadiness.Answer one = readiness(List.of("demo")).check();
        final InstanceReadiness.Answer two = readiness(List.of("demo", "api")).check();

        assertFalse(one.ready());
        assertEquals("not ready: application 'demo' has no READY worker (slots 0: STARTING, 1: BACKOFF)", one.reason());
        assertEquals("not ready: applications 'demo', 'api' have no READY worker (slots 0: STARTING, 1: BACKOFF)",
            two.reason());
    }

    @Test
    void shouldNeverBeReadyOnceStopping()
    {
        dispatchable[0] = true;
        dispatchable[1] = true;
        stopping.set(true);

        final InstanceReadiness.Answer answer = readiness(List.of("demo")).check();

        assertFalse(answer.ready());
        assertEquals("not ready: draining (the instance is stopping)", answer.reason());
    }

    @Test
    void shouldNotBeReadyWhileStartingEvenWithAReadyWorker()
    {
        // the first worker READY, the others and the listeners not yet: the instance cannot take traffic
        dispatchable[0] = true;
        starting.set(true);

        final InstanceReadiness.Answer answer = readiness(List.of("demo")).check();

        assertFalse(answer.ready());
        assertEquals("not ready: starting (slots 0: STARTING, 1: BACKOFF)", answer.reason());
    }

    @Test
    void shouldSayStartingBeforeTheSupervisorHasSlotsToShow()
    {
        starting.set(true);
        slots = List.of();

        assertEquals("not ready: starting", readiness(List.of("demo")).check().reason());
    }

    @Test
    void shouldSayDrainingRatherThanStartingWhenStoppedDuringTheStart()
    {
        starting.set(true);
        stopping.set(true);

        assertEquals("not ready: draining (the instance is stopping)", readiness(List.of("demo")).check().reason());
    }

    @Test
    void shouldNameNoSlotWhenTheSupervisorHasStopped()
    {
        slots = List.of();

        assertEquals("not ready: application 'demo' has no READY worker (slots none)",
            readiness(List.of("demo")).check().reason());
    }

    private InstanceReadiness readiness(final List<String> applications)
    {
        return new InstanceReadiness(applications, dispatchable.length, slot -> dispatchable[slot], () ->
        {
            statusReads.incrementAndGet();
            return slots;
        }, starting::get, stopping::get);
    }

    private static WorkerStatus status(final int slot, final String state)
    {
        return new WorkerStatus(slot, state, -1, 0, 0, 1, 0, -1, -1, 0, 0, null, -1, -1);
    }
}
