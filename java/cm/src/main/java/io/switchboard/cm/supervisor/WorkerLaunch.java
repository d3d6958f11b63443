package io.switchboard.cm.supervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start a worker JVM: which java, which class path (the worker runtime
 * and the applications: never on the CM's own class path), which JVM options
 * and applications.
 * <p>
 * Several JDKs may be named ({@code --worker-java A,B}): the k-th worker the instance starts with runs
 * {@code javas[k mod n]}, and keeps it through its restarts and replacements, so that one instance can try a new
 * JDK on some of its workers. The warm spare JVM runs the first; a worker of another JDK is started cold.
 *
 * @param javas          the {@code java}s to run, at least one; normally the CM's own alone.
 * @param classPath      the worker's class path.
 * @param jvmOptions     extra options, e.g. heap size.
 * @param applications   names of the applications to host; empty for all found.
 * @param hosting        the worker's options for what it hosts beyond names ({@code --webapp PREFIX=PATH},
 *                       {@code --session-store DIR}), passed as they are.
 */
public record WorkerLaunch(
    List<WorkerJava> javas, String classPath, List<String> jvmOptions, List<String> applications, List<String> hosting)
{
    public static final String WORKER_MAIN = "io.switchboard.worker.Worker";

    public WorkerLaunch
    {
        if (javas.isEmpty())
        {
            throw new IllegalArgumentException("no java to run workers on");
        }
        javas = List.copyOf(javas);
    }

    /**
     * One {@code java}, whose version is not asked: a test's.
     */
    public WorkerLaunch(
        final Path javaExecutable, final String classPath, final List<String> jvmOptions, final List<String> applications)
    {
        this(List.of(new WorkerJava(javaExecutable, Runtime.version().feature())), classPath, jvmOptions, applications,
            List.of());
    }

    /**
     * @param java which of {@link #javas} to run, {@code 0 <= java < javas().size()}.
     * @return the command line of the worker for {@code slot} of segment {@code segmentName}.
     */
    public List<String> command(final String segmentName, final int slot, final int java)
    {
        return command(segmentName, Integer.toString(slot), javas.get(java));
    }

    /**
     * @return the command line of a spare worker, which loads its applications and then waits for its
     * slot number on standard input; it runs the first of {@link #javas}.
     */
    public List<String> spareCommand(final String segmentName)
    {
        return command(segmentName, "stdin", javas.get(0));
    }

    private List<String> command(final String segmentName, final String slot, final WorkerJava java)
    {
        final List<String> command = new ArrayList<>();
        command.add(java.executable().toString());
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
