package io.switchboard.tests;

import io.switchboard.cm.supervisor.WorkerJava;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JDKs the tests run workers and clients on besides the build's own.
 * <ul>
 *   <li>{@value #JAVA17_PROPERTY}: a Java 17 home ({@code ./switchboard test} passes the one it finds); unset, one
 *   is looked for under {@value #JVM_DIRECTORY}. A test that needs one and finds none is skipped, saying so.</li>
 *   <li>{@value #WORKER_JAVA_PROPERTY}: the JDK every {@code Instance} runs its workers on ({@code --worker-java});
 *   the build sets it to the Java 17 home for its second run of the multi-process suites.</li>
 * </ul>
 */
public final class TestJdks
{
    public static final String JAVA17_PROPERTY = "switchboard.test.java17";
    public static final String WORKER_JAVA_PROPERTY = "switchboard.test.workerJava";
    private static final String JVM_DIRECTORY = "/usr/lib/jvm";

    private static Optional<Path> java17;

    private TestJdks()
    {
    }

    /**
     * @return the home of a Java 17, or the test is skipped (aborted) with the places looked at.
     */
    public static Path requireJava17()
    {
        final Optional<Path> home = java17();
        Assumptions.assumeTrue(home.isPresent(), "skipped: no Java 17 installed (none named by -D" + JAVA17_PROPERTY +
            ", none under " + JVM_DIRECTORY + ")");
        return home.get();
    }

    /**
     * @return the {@code --worker-java} arguments the run asks every instance's workers to run on, or none.
     */
    public static List<String> workerJavaArguments()
    {
        final String home = System.getProperty(WORKER_JAVA_PROPERTY, "");
        return home.isBlank() ? List.of() : List.of("--worker-java", home);
    }

    /**
     * @return the version the workers of this run report (in the status's {@code jdk}): 17 in the Java 17 run.
     */
    public static int workerFeature()
    {
        return workerJavaArguments().isEmpty() ? Runtime.version().feature() :
            WorkerJava.probe(Path.of(System.getProperty(WORKER_JAVA_PROPERTY))).feature();
    }

    private static synchronized Optional<Path> java17()
    {
        if (java17 == null)
        {
            java17 = find();
        }
        return java17;
    }

    private static Optional<Path> find()
    {
        final List<Path> candidates = new ArrayList<>();
        final String named = System.getProperty(JAVA17_PROPERTY, "");
        if (!named.isBlank())
        {
            candidates.add(Path.of(named));
        }
        try (Stream<Path> homes = Files.list(Path.of(JVM_DIRECTORY)))
        {
            homes.sorted().forEach(candidates::add);
        }
        catch (final IOException ex)
        {
            // no such directory: only the named one, if any
        }
        for (final Path home : candidates)
        {
            try
            {
                if (WorkerJava.probe(home).feature() == 17)
                {
                    return Optional.of(home);
                }
            }
            catch (final IllegalArgumentException ex)
            {
                // not a JDK, or another version: the next
            }
        }
        return Optional.empty();
    }
}
