package io.switchboard.ipc.process;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cases that arm nothing, in this JVM; arming, and dying with the parent, take three processes:
 * {@code tests/.../ParentDeathTest}.
 */
class ParentDeathSignalTest
{
    @Test
    void shouldArmNothingWhenTheNamedProcessIsAliveButNotTheParent()
    {
        // this JVM is alive and is not its own parent
        assertEquals(ParentDeathSignal.Outcome.NOT_PARENT, ParentDeathSignal.armIfParentIs(ProcessIdentity.self()));
    }

    @Test
    void shouldSayTheParentIsGoneWhenTheNamedProcessIsDead()
    {
        // this JVM's pid with an earlier start time: a process that had the pid once, long gone (not this JVM's
        // parent, so that nothing is armed on the test's own JVM)
        final ProcessIdentity self = ProcessIdentity.self();
        final ProcessIdentity earlier = new ProcessIdentity(self.pid(), self.startTime() - 1);

        assertEquals(ParentDeathSignal.Outcome.PARENT_GONE, ParentDeathSignal.armIfParentIs(earlier));
    }
}
