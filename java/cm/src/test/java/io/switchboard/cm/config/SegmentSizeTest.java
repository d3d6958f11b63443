package io.switchboard.cm.config;

import io.switchboard.ipc.segment.SegmentLayout;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SegmentSizeTest
{
    @Test
    void shouldSayWhatTheSegmentNeedsWhatThereIsAndWhichOptionsToLower()
    {
        final SegmentSize defaults = new SegmentSize(new SegmentLayout(3, 1024, 131072, 1));

        assertEquals("shared memory: /dev/shm has 60 MiB free, the segment needs 257 MiB (--channels 1024 x 2 rings " +
            "x (--ring-capacity 131072 + 384) + 132 KiB of header and slots); lower --channels or --ring-capacity, or " +
            "enlarge /dev/shm (docker run --shm-size=320m; Kubernetes: an emptyDir of medium Memory on /dev/shm)",
            defaults.tooLargeFor(60L << 20));
    }
}
