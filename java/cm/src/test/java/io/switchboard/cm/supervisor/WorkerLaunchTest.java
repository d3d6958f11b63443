package io.switchboard.cm.supervisor;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's command line: the carriers of its virtual threads, set where the JDK's handlers can do with few of
 * them and the operator did not set them.
 */
class WorkerLaunchTest
{
    private static final String PROPERTY = "-Djdk.virtualThreadScheduler.parallelism=";

    @Test
    void shouldShareTheCoresTheIoThreadsLeaveAmongTheWorkersAtLeastOneEach()
    {
        assertEquals(1, WorkerLaunch.carrierShare(2, 1, 1));
        assertEquals(1, WorkerLaunch.carrierShare(2, 1, 4));
        assertEquals(1, WorkerLaunch.carrierShare(1, 1, 1));
        assertEquals(1, WorkerLaunch.carrierShare(4, 8, 2));
        assertEquals(7, WorkerLaunch.carrierShare(16, 2, 2));
        assertEquals(15, WorkerLaunch.carrierShare(16, 1, 1));
    }

    @Test
    void shouldSetTheCarriersOnAJava24OrNewerWorker()
    {
        final List<String> command = launch(25, List.of("-Xmx512m"), 3).command("seg", 0, 0);

        assertEquals(1, command.stream().filter(option -> option.startsWith(PROPERTY)).count());
        assertTrue(command.contains(PROPERTY + "3"));
        assertTrue(command.indexOf(PROPERTY + "3") < command.indexOf(WorkerLaunch.WORKER_MAIN));
        assertTrue(launch(24, List.of(), 2).spareCommand("seg").contains(PROPERTY + "2"));
    }

    @Test
    void shouldLeaveTheCarriersToTheJdkOnJava21AndOlderWhereAMonitorHoldsItsCarrier()
    {
        assertFalse(String.join(" ", launch(21, List.of(), 1).command("seg", 0, 0)).contains(PROPERTY));
        assertFalse(String.join(" ", launch(17, List.of(), 1).command("seg", 0, 0)).contains(PROPERTY));
    }

    @Test
    void shouldKeepTheOperatorsOwnCarriersAndAddNone()
    {
        final List<String> command = launch(25, List.of(PROPERTY + "8", "-Xmx1g"), 1).command("seg", 0, 0);

        assertEquals(List.of(PROPERTY + "8"), command.stream().filter(option -> option.startsWith(PROPERTY)).toList());
    }

    @Test
    void shouldAddNothingWhenToldToLeaveItToTheJdk()
    {
        assertFalse(String.join(" ", launch(25, List.of(), 0).command("seg", 0, 0)).contains(PROPERTY));
        assertThrows(IllegalArgumentException.class, () -> launch(25, List.of(), -1));
    }

    private static WorkerLaunch launch(final int feature, final List<String> jvmOptions, final int carriers)
    {
        return new WorkerLaunch(List.of(new WorkerJava(Path.of("/opt/java/bin/java"), feature)), "worker.jar",
            jvmOptions, List.of(), List.of(), carriers);
    }
}
