package io.switchboard.cm.supervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start a worker JVM: which java, which class path (the worker runtime
 * and the applications: never on the CM's own class path), which JVM options
 * and applications.
 *
 * @param javaExecutable the {@code java} to run, normally the CM's own.
 * @param classPath      the worker's class path.
 * @param jvmOptions     extra options, e.g. heap size.
 * @param applications   names of the applications to host; empty for all found.
 * @param hosting        the worker's options for what it hosts beyond names ({@code --webapp PREFIX=PATH},
 *                       {@code --session-store DIR}), passed as they are.
 */
public record WorkerLaunch(
    Path javaExecutable, String classPath, List<String> jvmOptions, List<String> applications, List<String> hosting)
{
    public static final String WORKER_MAIN = "io.switchboard.worker.Worker";

    public WorkerLaunch(
        final Path javaExecutable, final String classPath, final List<String> jvmOptions, final List<String> applications)
    {
        this(javaExecutable, classPath, jvmOptions, applications, List.of());
    }

    /**
     * @return the command line of the worker for {@code slot} of segment {@code segmentName}.
     */
    public List<String> command(final String segmentName, final int slot)
    {
        return command(segmentName, Integer.toString(slot));
    }

    /**
     * @return the command line of a spare worker, which loads its applications and then waits for its
     * slot number on standard input.
     */
    public List<String> spareCommand(final String segmentName)
    {
        return command(segmentName, "stdin");
    }

    private List<String> command(final String segmentName, final String slot)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(WORKER_MAIN);
        command.add("--segment");
        command.add(segmentName);
        command.add("--slot");
        command.add(slot);
        if (!applications.isEmpty())
        {
            command.add("--apps");
            command.add(String.join(",", applications));
        }
        command.addAll(hosting);
        return command;
    }
}
