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
 * @param carriers       how many platform threads carry a worker's virtual threads (its handlers), as
 *                       {@code -Djdk.virtualThreadScheduler.parallelism}, on a worker of Java
 *                       {@value #CARRIERS_SINCE_JAVA} or newer whose {@code jvmOptions} do not set it; 0 leaves it
 *                       to the JDK (one per core). See {@link #carrierShare}.
 */
public record WorkerLaunch(
    List<WorkerJava> javas, String classPath, List<String> jvmOptions, List<String> applications, List<String> hosting,
    int carriers)
{
    public static final String WORKER_MAIN = "io.switchboard.worker.Worker";
    /**
     * The first Java whose virtual threads keep no carrier while they wait for a monitor (JEP 491). On Java 21 a
     * handler blocked in or on a {@code synchronized} block holds its carrier, and with few carriers the others could
     * wait behind it; there the JDK's own count, one per core, stays.
     */
    public static final int CARRIERS_SINCE_JAVA = 24;
    private static final String CARRIERS_PROPERTY = "-Djdk.virtualThreadScheduler.parallelism=";

    public WorkerLaunch
    {
        if (javas.isEmpty())
        {
            throw new IllegalArgumentException("no java to run workers on");
        }
        javas = List.copyOf(javas);
        if (carriers < 0)
        {
            throw new IllegalArgumentException("carriers " + carriers + " < 0");
        }
    }

    /**
     * The cores a worker's handlers may count on: those the CM's I/O threads leave, shared among the workers, at
     * least one.
     * <p>
     * Why not the JDK's default of one carrier per core: the workers share the machine with one another and with
     * the CM, whose I/O threads are busy whenever the workers are. A worker whose scheduler has a carrier for
     * every core starts handlers on idle carriers it must wake (a futex call and a thread switch each) while the
     * cores are in fact taken, and its carriers then park again; on the project's 2-core machine, one worker,
     * one I/O thread, that was 0.88 futex calls and 0.62 thread switches per servlet request in the worker. With
     * one carrier, 0.43 and 0.37, the CM's own system calls per request halved (it waited less for answers), and
     * the servlet benchmark served 1.19x the requests on 16 KiB answers and 1.07x on 13-byte ones (medians of
     * eight paired runs; architecture, section 8). A handler that computes for long holds its carrier as it would
     * hold a core; handlers that wait (for the ring, a lock, a socket) give theirs up.
     *
     * @param cores     the processors this JVM may use.
     * @param ioThreads the CM's I/O threads.
     * @param workers   the worker JVMs serving at once.
     */
    public static int carrierShare(final int cores, final int ioThreads, final int workers)
    {
        return Math.max(1, (cores - ioThreads) / Math.max(1, workers));
    }

    /**
     * One {@code java}, whose version is not asked: a test's.
     */
    public WorkerLaunch(
        final Path javaExecutable, final String classPath, final List<String> jvmOptions, final List<String> applications)
    {
        this(List.of(new WorkerJava(javaExecutable, Runtime.version().feature())), classPath, jvmOptions, applications,
            List.of(), 0);
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
        if (carriers > 0 && java.feature() >= CARRIERS_SINCE_JAVA && !setsCarriers(jvmOptions))
        {
            command.add(CARRIERS_PROPERTY + carriers);
        }
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

    private static boolean setsCarriers(final List<String> jvmOptions)
    {
        for (final String option : jvmOptions)
        {
            if (option.startsWith(CARRIERS_PROPERTY))
            {
                return true;
            }
        }
        return false;
    }
}
