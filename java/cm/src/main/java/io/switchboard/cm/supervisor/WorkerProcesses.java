package io.switchboard.cm.supervisor;

import io.switchboard.ipc.nativeshim.NativeCallException;
import io.switchboard.ipc.process.ProcessIdentity;

import java.io.IOException;
import java.util.List;

/**
 * How the supervisor starts worker processes and tells who they are: real JVMs in the CM
 * ({@link JvmWorkerProcesses}), processes a unit test controls in tests.
 */
interface WorkerProcesses
{
    /**
     * Starts {@code command}. Its standard output and error go to the CM's log, tagged with {@code tag}; its
     * standard input is a pipe the caller may write to ({@link Process#getOutputStream()}).
     *
     * @throws IOException when the process cannot be started; the message says why.
     */
    Process start(List<String> command, WorkerOutputTag tag) throws IOException;

    /**
     * @return the process as the segment records it: pid and start time, which pid reuse cannot fake.
     * @throws NativeCallException when it is gone already.
     */
    ProcessIdentity identify(Process process);
}
