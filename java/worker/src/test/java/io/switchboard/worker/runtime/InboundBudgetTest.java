package io.switchboard.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundBudgetTest
{
    private final List<Integer> woken = new ArrayList<>();
    private final InboundBudget budget = new InboundBudget(1000, woken::add);

    @Test
    void shouldGrantWhatIsFreeAndCountItAcrossAccounts()
    {
        final InboundBudget.Account a = budget.account(1);
        final InboundBudget.Account b = budget.account(2);
        assertTrue(a.tryGrow(300, 0));
        assertTrue(b.tryGrow(200, 0));
        assertEquals(500, budget.usedBytes());
        assertEquals(300, a.heldBytes());
        a.releaseAll();
        assertEquals(200, budget.usedBytes());
        assertEquals(0, a.heldBytes());
    }

    @Test
    void shouldRefuseMoreThanIsFree()
    {
        final InboundBudget.Account a = budget.account(1);
        assertTrue(a.tryGrow(900, 0));
        assertFalse(budget.account(2).tryGrow(101, 0));
        assertEquals(900, budget.usedBytes(), "a refusal takes nothing");
    }

    @Test
    void shouldRefuseAGrantThatWouldLeaveTooLittleForAnyHolderToFinish()
    {
        // two frames of 700 each: whichever starts first must be able to finish, so the other waits
        final InboundBudget.Account a = budget.account(1);
        final InboundBudget.Account b = budget.account(2);
        assertTrue(a.tryGrow(400, 300));
        assertFalse(b.tryGrow(100, 600), "600 free would be left 500, under b's own need of 600");
        assertFalse(b.tryGrow(350, 0), "250 left would be under a's need of 300");
        assertTrue(a.tryGrow(300, 0), "a finishes");
        a.releaseAll();
        assertEquals(List.of(2), woken, "the session refused is read again once budget is back");
        assertTrue(b.tryGrow(100, 600));
    }

    @Test
    void shouldLetAFrameUpToTheWholeBudgetThroughWhenAlone()
    {
        final InboundBudget.Account a = budget.account(1);
        long held = 0;
        for (int step = 16; held + step <= 1000; step *= 2)
        {
            assertTrue(a.tryGrow(step, 1000 - held - step), "grow by " + step + " holding " + held);
            held += step;
        }
        assertTrue(a.tryGrow((int)(1000 - held), 0));
        assertEquals(1000, budget.usedBytes());
    }

    @Test
    void shouldWakeEachRefusedSessionOnceOnRelease()
    {
        final InboundBudget.Account a = budget.account(1);
        assertTrue(a.tryGrow(1000, 0));
        assertFalse(budget.account(2).tryGrow(1, 0));
        assertFalse(budget.account(2).tryGrow(1, 0));
        assertFalse(budget.account(3).tryGrow(1, 0));
        a.releaseAll();
        assertEquals(List.of(2, 3), woken);
        a.releaseAll();
        assertEquals(List.of(2, 3), woken, "nothing held, nothing given back, nobody woken");
    }

    @Test
    void shouldSayWhichCapacityIsWrong()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new InboundBudget(0, slot -> { }));
        assertTrue(ex.getMessage().contains("capacityBytes=0"), ex.getMessage());
    }
}
