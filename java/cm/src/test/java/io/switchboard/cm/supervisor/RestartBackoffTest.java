package io.switchboard.cm.supervisor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestartBackoffTest
{
    private static final RestartPolicy POLICY = new RestartPolicy(100, 800, 10_000, 4, 60_000, 30_000);

    @Test
    void shouldDoubleTheDelayWhileWorkersDieYoungUpToTheCap()
    {
        final RestartBackoff backoff = new RestartBackoff(POLICY);
        long nowNs = 0;
        final long[] delays = new long[5];
        for (int i = 0; i < delays.length; i++)
        {
            nowNs += ms(50);
            // READY, then dead within the young period: backs off, but never a crash loop
            backoff.onReady();
            delays[i] = backoff.onDeath(nowNs, nowNs - ms(20), false);
        }
        assertEquals(100, delays[0]);
        assertEquals(200, delays[1]);
        assertEquals(400, delays[2]);
        assertEquals(800, delays[3]);
        assertEquals(800, delays[4]);
        assertFalse(backoff.isCrashLooping());
    }

    @Test
    void shouldRestartAfterTheMinimumDelayWhenAWorkerLivedLong()
    {
        final RestartBackoff backoff = new RestartBackoff(POLICY);
        backoff.onDeath(ms(1_000), ms(999), false);
        backoff.onDeath(ms(2_000), ms(1_999), false);
        assertEquals(100, backoff.onDeath(ms(60_000), ms(1_000), false));
    }

    @Test
    void shouldParkASlotWhoseWorkersKeepDyingBeforeReady()
    {
        final RestartBackoff backoff = new RestartBackoff(POLICY);
        assertEquals(100, backoff.onDeath(ms(1_000), ms(500), true));
        assertEquals(200, backoff.onDeath(ms(2_000), ms(1_500), true));
        assertEquals(400, backoff.onDeath(ms(3_000), ms(2_500), true));
        assertFalse(backoff.isCrashLooping());
        assertEquals(30_000, backoff.onDeath(ms(4_000), ms(3_500), true));
        assertTrue(backoff.isCrashLooping());
        assertEquals(4, backoff.deathsBeforeReady());
        // still failing after the park: parked again, not back to short delays
        assertEquals(30_000, backoff.onDeath(ms(35_000), ms(34_500), true));
    }

    @Test
    void shouldNotCallDeathsSpreadWiderThanTheWindowACrashLoop()
    {
        final RestartBackoff backoff = new RestartBackoff(POLICY);
        for (int i = 0; i < 8; i++)
        {
            backoff.onDeath(ms(30_000L * i), ms(30_000L * i - 100), true);
            assertFalse(backoff.isCrashLooping(), "death " + i);
        }
    }

    @Test
    void shouldForgetTheCrashLoopOnReadyAndOnAnOperatorsReset()
    {
        final RestartBackoff backoff = new RestartBackoff(POLICY);
        for (int i = 0; i < 4; i++)
        {
            backoff.onDeath(ms(1_000 + i), ms(900), true);
        }
        assertTrue(backoff.isCrashLooping());
        backoff.reset();
        assertFalse(backoff.isCrashLooping());
        assertEquals(0, backoff.deathsBeforeReady());
        assertEquals(100, backoff.onDeath(ms(2_000), ms(1_900), true));

        backoff.onReady();
        assertEquals(0, backoff.deathsBeforeReady());
    }

    @Test
    void shouldRejectAPolicyOutOfRangeNamingItsValues()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new RestartPolicy(100, 50, 10_000, 5, 60_000, 60_000));
        assertTrue(ex.getMessage().contains("minDelayMs=100 maxDelayMs=50"), ex.getMessage());
    }

    private static long ms(final long ms)
    {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
