package io.switchboard.tests.ipc;

import io.switchboard.ipc.process.ParentDeathSignal;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.testsupport.JavaProcess;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The two processes below the test in {@link ParentDeathTest}: a CM stand-in
 * that starts a worker stand-in from its main thread and then only lives, and
 * the worker stand-in, which arms the parent-death signal against the CM
 * stand-in's identity, writes the outcome and its pid, and then only lives.
 * Each lives five minutes at most, so that a failed test leaves nothing for long.
 */
final class ParentDeathPeers
{
    private static final long LIFETIME_MS = TimeUnit.MINUTES.toMillis(5);

    private ParentDeathPeers()
    {
    }

    /**
     * Arguments: the worker stand-in's log file, its result file.
     */
    public static final class Parent
    {
        public static void main(final String[] args) throws InterruptedException
        {
            final ProcessIdentity self = ProcessIdentity.self();
            final Process child = JavaProcess.start(Child.class, Path.of(args[0]),
                Integer.toString(self.pid()), Long.toString(self.startTime()), args[1]);
            // a worker stand-in that exits on its own ends this one too, so that the test learns of it
            if (child.waitFor(LIFETIME_MS, TimeUnit.MILLISECONDS))
            {
                System.out.println("the worker stand-in exited with " + child.exitValue());
                System.exit(1);
            }
        }
    }

    /**
     * Arguments: the parent's pid and start time, the result file.
     */
    public static final class Child
    {
        public static void main(final String[] args) throws InterruptedException
        {
            final ProcessIdentity parent = new ProcessIdentity(Integer.parseInt(args[0]), Long.parseLong(args[1]));
            final ParentDeathSignal.Outcome outcome = ParentDeathSignal.armIfParentIs(parent);
            Peers.writeResult(Path.of(args[2]), outcome + " " + ProcessIdentity.self().pid());
            Thread.sleep(LIFETIME_MS);
        }
    }
}
