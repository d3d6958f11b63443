package io.switchboard.cm.supervisor;

import io.switchboard.ipc.process.ProcessIdentity;

import java.io.IOException;
import java.util.List;

/**
 * Starts worker JVMs with their standard output and error piped to the CM, which logs every line under
 * {@value WorkerOutputRelay#LOGGER_NAME} ({@link WorkerOutputRelay}), so that the CM's log is the one place
 * an operator reads, each worker line with its slot and pid. Standard input is a pipe: a spare worker reads
 * its slot from it; others never read it.
 */
final class JvmWorkerProcesses implements WorkerProcesses
{
    @Override
    public Process start(final List<String> command, final WorkerOutputTag tag) throws IOException
    {
        final Process process = new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
        WorkerOutputRelay.start(process.getInputStream(), "stdout", tag, process.pid());
        WorkerOutputRelay.start(process.getErrorStream(), "stderr", tag, process.pid());
        return process;
    }

    @Override
    public ProcessIdentity identify(final Process process)
    {
        return ProcessIdentity.of((int)process.pid());
    }
}
