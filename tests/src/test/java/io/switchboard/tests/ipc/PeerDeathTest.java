package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.segment.SegmentNames;
import io.switchboard.ipc.segment.StaleSegmentJanitor;
import io.switchboard.ipc.segment.WorkerState;
import io.switchboard.ipc.signal.IdleStrategy;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;
import io.switchboard.testsupport.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of either end: the survivor notices through the shared
 * memory alone (the pid and start time recorded there) when its park times
 * out, and the dead end's resources are reclaimed.
 */
class PeerDeathTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldNoticeAWorkerKilledMidStream()
    {
        try (CmFixture cm = new CmFixture(4, 16 * 1024))
        {
            final long channelId = cm.openChannel();
            final Process peer = cm.startWorker(ProducerPeer.class, Integer.toString(ChannelId.slot(channelId)));
            final ChannelEnd end = cm.cmEnd(channelId);
            final FrameStream.Receiver receiver = new FrameStream(5, 16 * 1024).new Receiver();
            final ProcessIdentity worker = cm.workers().process(CmFixture.WORKER_SLOT);
            final IdleStrategy idle = SpinParkIdleStrategy.adaptive(cm.doorbell().eventCount(), cm.doorbell());

            long killedAtNs = 0;
            long detectedAtNs = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (detectedAtNs == 0 && System.nanoTime() - deadlineNs < 0)
            {
                final int work = cm.doorbell().poll(channel ->
                {
                    final int frames = end.reader().read(receiver.handler(), 64);
                    if (end.reader().isSatisfied())
                    {
                        cm.doorbell().requeue(channel);
                    }
                    return frames;
                });

                if (killedAtNs == 0 && receiver.received() >= 100_000)
                {
                    peer.destroyForcibly(); // SIGKILL
                    killedAtNs = System.nanoTime();
                }

                if (idle.idle(work) == IdleStrategy.TIMED_OUT && !worker.isAlive())
                {
                    detectedAtNs = System.nanoTime();
                }
            }

            assertTrue(killedAtNs != 0, "the worker never streamed 100000 frames\n" + cm.peerLogs());
            assertTrue(detectedAtNs != 0, "the worker's death went unnoticed");
            assertEquals(null, receiver.error(), "a frame arrived damaged before the kill");

            // reclaim: the channel goes back to the pool, the slot to FREE
            cm.workers().setState(CmFixture.WORKER_SLOT, WorkerState.DEAD);
            assertTrue(cm.channels().release(channelId));
            cm.workers().setState(CmFixture.WORKER_SLOT, WorkerState.FREE);
            assertEquals(0, cm.channels().inUseCount());
            assertFalse(cm.channels().isOpen(channelId));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldMakeWorkersExitWhenTheCmIsKilledAndRemoveItsSegmentAtTheNextStart() throws Exception
    {
        final String name = SegmentNames.newName(ProcessIdentity.self().pid());
        final Path created = Files.createTempFile("switchboard-cm-", ".result");
        final Path attached = Files.createTempFile("switchboard-watcher-", ".result");
        Process cmProcess = null;
        Process watcher = null;
        try
        {
            cmProcess = JavaProcess.start(CmPeer.class, JavaProcess.newLog("CmPeer"), name, created.toString());
            awaitNonEmpty(created, cmProcess);
            watcher = JavaProcess.start(CmWatcherPeer.class, JavaProcess.newLog("CmWatcherPeer"), name, "0",
                attached.toString());
            awaitNonEmpty(attached, watcher);

            cmProcess.destroyForcibly(); // SIGKILL: the CM gets no chance to clean up
            // exits by itself, having seen the CM gone (a generous deadline, for the message)
            assertTrue(watcher.waitFor(60, TimeUnit.SECONDS), "the worker outlived its CM");
            assertEquals(CmWatcherPeer.CM_GONE, watcher.exitValue());

            assertTrue(cmProcess.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Files.exists(Path.of("/dev/shm", name.substring(1))), "the dead CM's segment is still there");
            assertTrue(StaleSegmentJanitor.removeStaleSegments().contains(name));
            assertFalse(Files.exists(Path.of("/dev/shm", name.substring(1))));
        }
        finally
        {
            JavaProcess.kill(watcher);
            JavaProcess.kill(cmProcess);
            StaleSegmentJanitor.removeStaleSegments();
            Files.deleteIfExists(created);
            Files.deleteIfExists(attached);
        }
    }

    private static void awaitNonEmpty(final Path file, final Process process) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.size(file) == 0)
        {
            assertTrue(process.isAlive(), "peer exited early with " + (process.isAlive() ? "" : process.exitValue()));
            assertTrue(System.nanoTime() - deadlineNs < 0, "peer never wrote " + file);
            Thread.sleep(5);
        }
    }
}
