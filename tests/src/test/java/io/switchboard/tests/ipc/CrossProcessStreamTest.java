package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A million frames each way between two JVMs over one channel, at the same
 * time, of random sizes with a fragmented message several rings long every
 * 997th; both ends check every frame's sequence and content and compare CRCs.
 */
class CrossProcessStreamTest
{
    private static final long FRAMES = 1_000_000;
    private static final int RING_CAPACITY = 64 * 1024;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldCarryAMillionFramesEachWayIntact() throws Exception
    {
        final Path result = Files.createTempFile("switchboard-stream-", ".result");
        try (CmFixture cm = new CmFixture(4, RING_CAPACITY))
        {
            final long channelId = cm.openChannel();
            final long seedToWorker = 11;
            final long seedToCm = 23;
            final Process peer = cm.startWorker(
                StreamPeer.class, Integer.toString(ChannelId.slot(channelId)), Long.toString(FRAMES),
                Long.toString(seedToCm), Long.toString(seedToWorker), result.toString());

            final ChannelEnd end = cm.cmEnd(channelId);
            final String[] mine = StreamPeer.Duplex.run(
                end, cm.doorbell(), new FrameStream(seedToWorker, RING_CAPACITY), new FrameStream(seedToCm, RING_CAPACITY),
                FRAMES).split(" ", 4);

            assertTrue(peer.waitFor(60, TimeUnit.SECONDS), "peer did not finish\n" + cm.peerLogs());
            assertEquals(0, peer.exitValue(), cm.peerLogs());
            final String[] theirs = Files.readString(result).split(" ", 4);

            assertEquals("null", mine[3], "CM side saw a bad frame");
            assertEquals("null", theirs[3], "worker side saw a bad frame");
            assertEquals(Long.toString(FRAMES), mine[0]);
            assertEquals(Long.toString(FRAMES), theirs[0]);
            assertEquals(theirs[2], mine[1], "CRC of what the worker sent and the CM received");
            assertEquals(mine[2], theirs[1], "CRC of what the CM sent and the worker received");
            assertTrue(cm.channels().release(channelId));
            assertEquals(0, cm.channels().inUseCount());
        }
        finally
        {
            Files.deleteIfExists(result);
        }
    }
}
