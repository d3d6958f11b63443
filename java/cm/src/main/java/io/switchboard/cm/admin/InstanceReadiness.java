package io.switchboard.cm.admin;

import io.switchboard.cm.supervisor.WorkerStatus;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Answers {@code GET /ready}: should a load balancer send this instance traffic now? Yes when the instance is
 * serving (its listeners open: not while the first workers start), not stopping, and every application it routes to (HTTP routes and session applications alike) has at least one
 * worker the dispatcher gives requests to.
 * <p>
 * <b>How "each routed application" is decided.</b> In the current model every worker hosts every application:
 * the supervisor starts each worker with the same {@code --apps} list (every application of {@code --route} and
 * {@code --rpc-app}), and a worker that cannot load one of them exits before READY. So an application has a
 * READY worker exactly when some worker slot is ready in the dispatcher ({@code WorkerPool.isReady}: announced
 * READY, not draining, not cut off), and the check is one scan of the slots for all applications. Should workers
 * ever host different sets, this is the class to teach which slot hosts what.
 * <p>
 * The ready answer reads the dispatcher's words only, so a load balancer polling it often costs the supervisor
 * nothing; the not-ready answer also asks the supervisor for the slots' states, to say why.
 * <p>
 * Thread-safe as long as its callbacks are.
 */
public final class InstanceReadiness
{
    /**
     * The answer.
     *
     * @param ready  whether the instance should be sent traffic.
     * @param reason one line saying what is (or is not) ready, for the response body.
     */
    public record Answer(boolean ready, String reason)
    {
    }

    private final List<String> applications;
    private final int slotCount;
    private final IntPredicate dispatchable;
    private final Supplier<List<WorkerStatus>> slots;
    private final BooleanSupplier starting;
    private final BooleanSupplier stopping;

    /**
     * @param applications the applications the instance routes to, in the order of its configuration.
     * @param slotCount    worker slots.
     * @param dispatchable whether the dispatcher gives requests to the worker in a slot now.
     * @param slots        the slots as the supervisor sees them, to explain a no.
     * @param starting     whether the instance is still starting: its listeners not yet open, its first workers
     *                     not yet all READY (then the admin listener answers already, but never "ready").
     * @param stopping     whether the instance has begun to stop (then never ready again).
     */
    public InstanceReadiness(
        final List<String> applications,
        final int slotCount,
        final IntPredicate dispatchable,
        final Supplier<List<WorkerStatus>> slots,
        final BooleanSupplier starting,
        final BooleanSupplier stopping)
    {
        this.applications = List.copyOf(applications);
        this.slotCount = slotCount;
        this.dispatchable = dispatchable;
        this.slots = slots;
        this.starting = starting;
        this.stopping = stopping;
    }

    public Answer check()
    {
        if (stopping.getAsBoolean())
        {
            return new Answer(false, "not ready: draining (the instance is stopping)");
        }
        if (starting.getAsBoolean())
        {
            final String states = slotStates();
            return new Answer(false, "not ready: starting" + (states.isEmpty() ? "" : " (slots " + states + ")"));
        }
        final StringBuilder readySlots = new StringBuilder();
        for (int slot = 0; slot < slotCount; slot++)
        {
            if (dispatchable.test(slot))
            {
                readySlots.append(readySlots.isEmpty() ? "" : ", ").append(slot);
            }
        }
        if (!readySlots.isEmpty())
        {
            return new Answer(true, "ready: " + named() + " served by the READY workers in slots " + readySlots);
        }

        final String states = slotStates();
        return new Answer(false, "not ready: " + named() + (applications.size() == 1 ? " has" : " have") +
            " no READY worker (slots " + (states.isEmpty() ? "none" : states) + ")");
    }

    /**
     * @return each slot but the spares with its state ({@code 0: STARTING, 1: BACKOFF}), from the supervisor; empty
     * if it has none to give (not started, or stopped).
     */
    private String slotStates()
    {
        final StringBuilder states = new StringBuilder();
        for (final WorkerStatus slot : slots.get())
        {
            if (!"SPARE".equals(slot.state()))
            {
                states.append(states.isEmpty() ? "" : ", ").append(slot.slot()).append(": ").append(slot.state());
            }
        }
        return states.toString();
    }

    private String named()
    {
        final StringBuilder names = new StringBuilder(applications.size() == 1 ? "application " : "applications ");
        for (int i = 0; i < applications.size(); i++)
        {
            names.append(i == 0 ? "" : ", ").append('\'').append(applications.get(i)).append('\'');
        }
        return names.toString();
    }
}
