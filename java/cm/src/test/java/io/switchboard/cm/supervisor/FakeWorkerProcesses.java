package io.switchboard.cm.supervisor;

import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.process.ProcessIdentity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link FakeWorker}s, each with a pid of its own, and remembers them in order; fails the next start
 * when told to.
 */
final class FakeWorkerProcesses implements WorkerProcesses
{
    private static final int ESRCH = 3;

    private final List<FakeWorker> started = new ArrayList<>();
    private long nextPid = 100_001;
    private int failStarts;

    @Override
    public synchronized Process start(final List<String> command, final WorkerOutputTag tag) throws IOException
    {
        if (failStarts > 0)
        {
            failStarts--;
            throw new IOException("fake: cannot run " + command.getFirst());
        }
        final FakeWorker worker = new FakeWorker(nextPid++, command);
        started.add(worker);
        return worker;
    }

    @Override
    public ProcessIdentity identify(final Process process)
    {
        if (!process.isAlive())
        {
            throw new NativeCallException("proc_start_time", "pid=" + process.pid(), ESRCH);
        }
        return new ProcessIdentity((int)process.pid(), 7_000 + process.pid());
    }

    synchronized void failNextStarts(final int count)
    {
        failStarts = count;
    }

    /**
     * @return every process started so far, spares included, oldest first.
     */
    synchronized List<FakeWorker> started()
    {
        return List.copyOf(started);
    }

    /**
     * @return the workers started for a slot (spares excluded), oldest first.
     */
    synchronized List<FakeWorker> workers()
    {
        return started.stream().filter(worker -> !worker.isSpare()).toList();
    }

    synchronized List<FakeWorker> spares()
    {
        return started.stream().filter(FakeWorker::isSpare).toList();
    }
}
