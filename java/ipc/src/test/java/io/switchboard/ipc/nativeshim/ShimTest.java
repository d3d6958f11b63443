package io.switchboard.ipc.nativeshim;

import io.switchboard.ipc.process.ProcessIdentity;
import org.junit.jupiter.api.Test;

import io.switchboard.ipc.memory.SharedBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShimTest
{
    private final SharedBuffer word = SharedBuffer.allocateNative(8, 8);

    @Test
    void shouldNotSleepWhenTheWordDiffers()
    {
        word.putInt(0, 5);
        assertEquals(-Errno.EAGAIN, Shim.futexWait(word.address(), 4, 1_000_000_000L));
    }

    @Test
    void shouldTimeOut()
    {
        assertEquals(-Errno.ETIMEDOUT, Shim.futexWait(word.address(), 0, 1_000_000L));
    }

    @Test
    void shouldWakeNobodyWhenNobodyWaits()
    {
        assertEquals(0, Shim.futexWake(word.address(), 1));
    }

    @Test
    void shouldKnowItselfAndTellAReusedPidFromTheOriginal()
    {
        final ProcessIdentity self = ProcessIdentity.self();
        assertEquals(ProcessHandle.current().pid(), self.pid());
        assertTrue(self.isAlive());
        assertFalse(new ProcessIdentity(self.pid(), self.startTime() + 1).isAlive());
    }

    @Test
    void shouldSeeADeadProcessAsDead() throws Exception
    {
        final Process child = new ProcessBuilder("true").start();
        final ProcessIdentity identity = new ProcessIdentity((int)child.pid(), Shim.processStartTime((int)child.pid()));
        child.waitFor();
        assertFalse(identity.isAlive());
        final NativeCallException ex = assertThrows(NativeCallException.class, () -> ProcessIdentity.of(identity.pid()));
        assertEquals(Errno.ESRCH, ex.errorNumber());
    }

    /**
     * tmpfs refuses at once a reservation larger than its whole size (no page is allocated first), so this
     * needs no small /dev/shm: the same ENOSPC a container's 64 MiB /dev/shm gives a 257 MiB segment.
     */
    @Test
    void shouldRefuseASegmentLargerThanDevShmWithEnospcAndLeaveNothingBehind() throws Exception
    {
        final java.nio.file.Path devShm = java.nio.file.Path.of("/dev/shm");
        final long tooLarge = java.nio.file.Files.getFileStore(devShm).getTotalSpace() + (1L << 30);
        final String name = "/switchboard-test-enospc-" + ProcessHandle.current().pid();

        final NativeCallException ex = assertThrows(NativeCallException.class, () -> Shim.shmCreate(name, tooLarge));

        assertEquals(Errno.ENOSPC, ex.errorNumber(), ex.getMessage());
        assertEquals("shm_create", ex.call());
        assertFalse(java.nio.file.Files.exists(devShm.resolve(name.substring(1))), "the refused segment was left behind");
    }

    @Test
    void shouldDescribeErrors()
    {
        assertEquals("No such file or directory", Shim.errorText(Errno.ENOENT));
        assertEquals("Connection timed out", Shim.errorText(Errno.ETIMEDOUT));
    }
}
