package io.switchboard.cm.observe;

import io.switchboard.cm.supervisor.WorkerStatus;

import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the metrics read from the instance when they are scraped, rather than counting events: each is
 * thread-safe to call from the admin thread that scrapes.
 *
 * @param connectionsOpen  client connections open ({@code --max-connections} counts them).
 * @param channelsInUse    channel slots not FREE (a scan of the channel table).
 * @param requestsQueued   requests and sessions waiting for a worker or channel, over the I/O threads.
 * @param rpcSessionsOpen  distributed sessions open or being opened.
 * @param workers          the supervisor's snapshot of the worker slots.
 */
public record ScrapeSources(
    IntSupplier connectionsOpen,
    IntSupplier channelsInUse,
    IntSupplier requestsQueued,
    IntSupplier rpcSessionsOpen,
    Supplier<List<WorkerStatus>> workers)
{
    /** Nothing to read: for tests of the pipeline alone. */
    public static final ScrapeSources NONE = new ScrapeSources(() -> 0, () -> 0, () -> 0, () -> 0, List::of);
}
