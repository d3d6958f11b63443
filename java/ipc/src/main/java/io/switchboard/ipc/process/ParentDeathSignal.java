package io.switchboard.ipc.process;

import io.switchboard.ipc.nativeshim.Shim;

/**
 * Has the kernel kill this process when the process that started it dies
 * ({@code prctl(PR_SET_PDEATHSIG, SIGKILL)}), for a worker whose CM is gone
 * while the worker is somewhere it never looks at the CM: deep in an
 * application's code, in a long GC, hung. A worker that polls notices a dead CM
 * on its own within a park timeout; this covers the one that does not.
 * <p>
 * Two limits of the kernel's mechanism shape the contract:
 * <ul>
 *     <li>The signal comes when the <em>thread</em> that started this process ends, not the whole parent
 *     process. In the CM, every worker is started by the supervisor's one thread, which lives until the CM
 *     has stopped its workers; whoever starts workers from another thread must keep that thread alive as
 *     long as they serve.</li>
 *     <li>A parent that died before the signal was armed sends none. So the parent is named by its
 *     {@link ProcessIdentity} (pid and start time) and checked once the signal is armed.</li>
 * </ul>
 * A process whose parent is not the named one (started by a test harness or a
 * script next to the CM) is left alone: its parent's end says nothing about the
 * CM's.
 */
public final class ParentDeathSignal
{
    /** The signal: the CM is gone and so is everything the worker could still do for it. Same on every Linux. */
    static final int SIGKILL = 9;

    /**
     * What {@link #armIfParentIs} found.
     */
    public enum Outcome
    {
        /** This process dies with its parent from now on. */
        ARMED,
        /** The named process is alive but not this process's parent: nothing armed. */
        NOT_PARENT,
        /** The named process is dead: this process should leave now, as no signal will come. */
        PARENT_GONE
    }

    private ParentDeathSignal()
    {
    }

    /**
     * @param parent the process that should have started this one (the CM, from its segment's header).
     * @return the outcome; {@link Outcome#PARENT_GONE} asks the caller to exit.
     * @throws io.switchboard.ipc.nativeshim.NativeCallException if the kernel refuses the signal.
     */
    public static Outcome armIfParentIs(final ProcessIdentity parent)
    {
        final long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        if (parentPid != parent.pid())
        {
            return parent.isAlive() ? Outcome.NOT_PARENT : Outcome.PARENT_GONE;
        }
        Shim.setParentDeathSignal(SIGKILL);

        // a parent that died between the pid read above and the prctl sent no signal, and never will
        return parent.isAlive() ? Outcome.ARMED : Outcome.PARENT_GONE;
    }
}
