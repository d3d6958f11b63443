package io.switchboard.cm.net;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The {@link HttpWorkspace}s of one I/O thread: at most {@code maxWorkspaces} exist at once, so the memory
 * of exchanges in progress is bounded whatever the number of connections. A connection that finds none free
 * waits, not reading its socket, and is told in arrival order when one comes back. Up to
 * {@code maxRetained} free ones are kept for reuse; more are dropped, so a burst does not hold its memory
 * for good.
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class WorkspacePool
{
    /**
     * A connection that waits for a workspace.
     */
    interface Waiter
    {
        /**
         * Hands the waiter a workspace, now its own: given to it, not merely announced, so that a waiter that
         * closes before it reads again gives it back (a wake-up cannot be lost).
         */
        void onWorkspaceAvailable(HttpWorkspace workspace);
    }

    private final Supplier<HttpWorkspace> factory;
    private final int maxWorkspaces;
    private final int maxRetained;
    private final ArrayDeque<HttpWorkspace> free = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int outstanding;

    WorkspacePool(final Supplier<HttpWorkspace> factory, final int maxWorkspaces, final int maxRetained)
    {
        if (maxWorkspaces < 1 || maxRetained < 0)
        {
            throw new IllegalArgumentException("maxWorkspaces=" + maxWorkspaces + " maxRetained=" + maxRetained);
        }
        this.factory = factory;
        this.maxWorkspaces = maxWorkspaces;
        this.maxRetained = maxRetained;
    }

    /**
     * @return a workspace, or null when all are taken: {@code waiter} is handed one when it comes back (it asks
     *         again only after that, so it is never queued twice).
     */
    HttpWorkspace acquire(final Waiter waiter)
    {
        HttpWorkspace workspace = free.pollLast();
        if (workspace == null)
        {
            if (outstanding >= maxWorkspaces)
            {
                waiters.addLast(waiter);
                return null;
            }
            workspace = factory.get();
        }
        outstanding++;
        return workspace;
    }

    void release(final HttpWorkspace workspace)
    {
        workspace.clear();
        final Waiter next = waiters.pollFirst();
        if (next != null)
        {
            // still outstanding: it goes straight to the first waiter
            next.onWorkspaceAvailable(workspace);
            return;
        }
        outstanding--;
        if (free.size() < maxRetained)
        {
            free.addLast(workspace);
        }
    }

    /**
     * A waiting connection closed before it was told.
     */
    void forget(final Waiter waiter)
    {
        waiters.remove(waiter);
    }

    int outstanding()
    {
        return outstanding;
    }

    int waiting()
    {
        return waiters.size();
    }

    /**
     * The default bound for a thread: half of what direct memory may hold (by default, the heap's maximum),
     * shared by the I/O threads, at least 64.
     */
    static int defaultMaxWorkspaces(final IoBuffers buffers, final int ioThreads)
    {
        final String configured = System.getProperty("switchboard.io.maxWorkspaces");
        if (configured != null)
        {
            return Integer.parseInt(configured);
        }
        final long perWorkspace = (long)buffers.inputCapacity() + buffers.outputCapacity();
        final long budget = Runtime.getRuntime().maxMemory() / 2 / Math.max(1, ioThreads);
        return (int)Math.max(64, Math.min(Integer.MAX_VALUE, budget / perWorkspace));
    }
}
