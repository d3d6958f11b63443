package io.switchboard.cm.dispatch;

import io.switchboard.ipc.channel.ChannelKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerPoolTest
{
    @Test
    void shouldCountAnAcquiredChannelAndRequestUntilGivenBack()
    {
        final WorkerPool pool = new WorkerPool(3);
        pool.setReady(1, true);
        assertEquals(1, pool.acquire(ChannelKind.HTTP, null));
        assertEquals(1, pool.openChannels(1));
        assertEquals(1, pool.requestsDispatched(1));

        pool.unacquire(1, ChannelKind.HTTP);
        assertEquals(0, pool.openChannels(1));
        assertEquals(0, pool.requestsDispatched(1));
    }

    @Test
    void shouldGiveNothingToADrainingWorker()
    {
        final WorkerPool pool = new WorkerPool(2);
        pool.setReady(0, true);
        pool.setReady(1, true);
        pool.setReady(0, false);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(1, pool.acquire(ChannelKind.HTTP, null));
        }
        assertEquals(0, pool.openChannels(0));
        pool.setReady(1, false);
        assertEquals(WorkerPool.NONE, pool.acquire(ChannelKind.HTTP, null));
    }

    @Test
    void shouldGiveSessionsToTheWorkerWithFewestAndNoneToADrainingOne()
    {
        final WorkerPool pool = new WorkerPool(2);
        pool.setReady(0, true);
        pool.setReady(1, true);
        final int first = pool.acquire(ChannelKind.RPC, null);
        final int second = pool.acquire(ChannelKind.RPC, null);
        assertEquals(1, pool.sessions(first));
        assertEquals(1, pool.sessions(second));
        assertEquals(1, first + second, "one session each");

        pool.setReady(first, false);
        assertEquals(second, pool.acquire(ChannelKind.RPC, null));
        pool.unacquire(second, ChannelKind.RPC);
        assertEquals(1, pool.sessions(second));
        assertEquals(1, pool.openChannels(second));
        assertEquals(0, pool.requestsDispatched(second), "sessions are not requests");
    }

    @Test
    void shouldCountRequestsOfEachNewWorkerFromZero()
    {
        final WorkerPool pool = new WorkerPool(1);
        pool.setReady(0, true);
        pool.acquire(ChannelKind.HTTP, null);
        pool.channelClosed(0);
        assertEquals(1, pool.requestsDispatched(0));
        pool.setReady(0, false);
        pool.setReady(0, true);
        assertEquals(0, pool.requestsDispatched(0));
    }
}
