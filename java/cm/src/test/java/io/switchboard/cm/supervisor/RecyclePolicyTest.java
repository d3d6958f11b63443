package io.switchboard.cm.supervisor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecyclePolicyTest
{
    @Test
    void shouldRecycleNothingWhenOff()
    {
        assertTrue(RecyclePolicy.OFF.isOff());
        assertNull(RecyclePolicy.OFF.reason(Long.MAX_VALUE, Long.MAX_VALUE));
    }

    @Test
    void shouldRecycleAtTheRequestLimitOrAboveTheMemoryLimit()
    {
        final RecyclePolicy policy = new RecyclePolicy(1_000, 256L << 20);
        assertNull(policy.reason(999, 256L << 20));
        assertNotNull(policy.reason(1_000, -1));
        final String reason = policy.reason(0, 300L << 20);
        assertTrue(reason.contains("300 MiB (limit 256 MiB)"), reason);
    }
}
