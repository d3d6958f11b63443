package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two processes take turns, each parked on its doorbell's futex before every
 * message, twenty thousand times: no wake-up may be lost. A lost one shows as a
 * park that timed out with the doorbell set, and fails the test; the loop's own
 * deadline keeps a broken build from hanging the suite.
 */
class ParkAndWakeTest
{
    private static final int ROUNDS = 20_000;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldLoseNoWakeUpAcrossProcesses() throws Exception
    {
        final Path result = Files.createTempFile("switchboard-pingpong-", ".result");
        try (CmFixture cm = new CmFixture(4, 4096))
        {
            final long channelId = cm.openChannel();
            final Process peer = cm.startWorker(
                PingPongPeer.class, Integer.toString(ChannelId.slot(channelId)), Integer.toString(ROUNDS), result.toString());
            final PingPong ping = new PingPong(cm.cmEnd(channelId), cm.doorbell());
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);

            for (long i = 0; i < ROUNDS; i++)
            {
                ping.send(2 * i);
                final long answer = ping.receive(deadlineNs);
                assertEquals(2 * i + 1, answer, "round " + i + "\n" + cm.peerLogs());
            }

            assertTrue(peer.waitFor(30, TimeUnit.SECONDS), cm.peerLogs());
            assertEquals(0, peer.exitValue(), Files.readString(result) + "\n" + cm.peerLogs());
            final String[] theirs = Files.readString(result).split(" ");

            assertEquals(0, ping.lostWakeups(), "lost wake-ups on the CM side");
            assertEquals("0", theirs[0], "lost wake-ups on the worker side");
            // the point is the sleeping path: many messages must have found the receiver in the kernel.
            // How many depends on scheduling (a reply that lands between the last poll and the
            // announcement saves a park), so the bound is loose: quiet runs park on most rounds.
            final long parks = ping.parks() + Long.parseLong(theirs[1]);
            assertTrue(parks > ROUNDS / 5, "only " + parks + " parks in " + ROUNDS + " round trips");
        }
        finally
        {
            Files.deleteIfExists(result);
        }
    }
}
