package io.switchboard.tests.http;

import io.switchboard.tests.worker.HookedApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application team's deploy: their jar on --app-classpath, replaced, then a rolling restart. Afterwards only the
 * new code answers, from every worker, and from the spare promoted when a worker is killed: the spare that was
 * warm before the restart (it had loaded the old jar) is not promoted.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApplicationDeployTest
{
    private static final int REQUESTS = 60;

    @TempDir
    Path dir;

    @Test
    void shouldServeOnlyTheNewCodeAfterTheJarIsReplacedAndTheWorkersRestartedSpareIncluded() throws Exception
    {
        final Path jar = dir.resolve("versioned.jar");
        Files.move(applicationJar("v1"), jar);
        final Path log = dir.resolve("starts.log");
        try (Instance instance = new Instance("--workers", "2", "--app-classpath", jar.toString(),
            "--route", "/v=versioned",
            "--worker-jvm-option", ApplicationHooksTest.WORKER_JVM + " -D" + HookedApplication.LOG_PROPERTY + "=" + log))
        {
            assertEquals(Set.of("v1"), answers(instance, instance.readyWorkerPids()).keySet());
            // the spare has loaded v1 (its start hook ran) before the jar changes: else this test proves nothing
            awaitLines(log, "start v1 ", 3);

            // what the README tells teams to do: the new jar beside the old, renamed over it in one step
            Files.move(applicationJar("v2"), jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals(202, instance.admin("POST", "/admin/workers/restart").status());
            awaitRestartDone(instance);

            final Set<Long> workers = instance.readyWorkerPids();
            assertEquals(2, workers.size(), workers.toString());
            final Map<String, Set<Long>> after = answers(instance, workers);
            assertEquals(Set.of("v2"), after.keySet(), "answers by version and pid after the restart: " + after);

            // a worker dies: the spare takes its place, and it must be one started after the restart began
            final long killed = workers.iterator().next();
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Set<Long> now = instance.readyWorkerPids();
            while ((now.contains(killed) || now.size() < 2) && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(20);
                now = instance.readyWorkerPids();
            }
            assertFalse(now.contains(killed), "the killed worker is still READY: " + now);
            assertEquals(2, now.size(), "no replacement READY for the killed worker: " + now);
            final Map<String, Set<Long>> afterDeath = answers(instance, now);
            assertEquals(Set.of("v2"), afterDeath.keySet(), "answers after the promotion: " + afterDeath);
        }
    }

    /**
     * Asks until every one of {@code workers} has answered, at least {@link #REQUESTS} times, a new connection
     * each (so the dispatcher spreads them).
     *
     * @return the pids that answered, by the version they answered with.
     */
    private static Map<String, Set<Long>> answers(final Instance instance, final Set<Long> workers) throws Exception
    {
        final Map<String, Set<Long>> byVersion = new TreeMap<>();
        final Set<Long> seen = new TreeSet<>();
        for (int i = 0; i < REQUESTS || (!seen.containsAll(workers) && i < 50 * REQUESTS); i++)
        {
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/v"));
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), response.statusLine() + " " + response.text());
                final String[] versionAndPid = response.text().split(" ");
                final long pid = Long.parseLong(versionAndPid[1]);
                seen.add(pid);
                byVersion.computeIfAbsent(versionAndPid[0], v -> new TreeSet<>()).add(pid);
            }
        }
        assertTrue(seen.containsAll(workers), "not every worker answered: " + seen + " of " + workers);
        return byVersion;
    }

    private static void awaitRestartDone(final Instance instance) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!"false".equals(instance.admin("GET", "/admin/status").field("rolling_restart")) &&
            System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(20);
        }
        final Admin.Reply status = instance.admin("GET", "/admin/status");
        assertEquals("false", status.field("rolling_restart"), status.body());
    }

    private static void awaitLines(final Path log, final String prefix, final int count) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long found = 0;
        while (System.nanoTime() - deadlineNs < 0)
        {
            found = Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.startsWith(prefix)).count() : 0;
            if (found >= count)
            {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(found + " lines '" + prefix + "...' in " + log + ", not " + count);
    }

    /**
     * Compiles an application answering {@code VERSION PID} (whose start hook logs {@code start VERSION PID}) and
     * jars it with its service file, as a team would.
     *
     * @return the jar, in a file of its own.
     */
    private Path applicationJar(final String version) throws Exception
    {
        final Path sources = Files.createDirectories(dir.resolve("src-" + version + "/deployed"));
        final Path source = Files.writeString(sources.resolve("VersionedApplication.java"), """
            package deployed;

            import io.switchboard.worker.http.HttpApplication;
            import io.switchboard.worker.http.HttpRequest;
            import io.switchboard.worker.http.HttpResponse;

            import java.nio.charset.StandardCharsets;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.nio.file.StandardOpenOption;

            public final class VersionedApplication implements HttpApplication
            {
                private static final String VERSION = "%s";

                public String name()
                {
                    return "versioned";
                }

                @Override
                public void start() throws Exception
                {
                    final String log = System.getProperty("%s");
                    if (log != null)
                    {
                        Files.writeString(Path.of(log), "start " + VERSION + " " + ProcessHandle.current().pid() + "\\n",
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                    }
                }

                public void handle(final HttpRequest request, final HttpResponse response) throws Exception
                {
                    response.header("Content-Type", "text/plain");
                    response.send((VERSION + " " + ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII));
                }
            }
            """.formatted(version, HookedApplication.LOG_PROPERTY));
        final Path classes = Files.createDirectories(dir.resolve("classes-" + version));
        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        // for 17, as a team on Java 17 would build it: the Java 17 run deploys it on Java 17 workers
        final int status = javac.run(null, null, errors, "--release", "17", "-cp", System.getProperty("java.class.path"),
            "-d", classes.toString(), source.toString());
        assertEquals(0, status, errors.toString(StandardCharsets.UTF_8));

        final Path jar = dir.resolve("versioned-" + version + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file))
        {
            out.putNextEntry(new JarEntry("deployed/VersionedApplication.class"));
            out.write(Files.readAllBytes(classes.resolve("deployed/VersionedApplication.class")));
            out.closeEntry();
            out.putNextEntry(new JarEntry("META-INF/services/io.switchboard.worker.http.HttpApplication"));
            out.write("deployed.VersionedApplication\n".getBytes(StandardCharsets.US_ASCII));
            out.closeEntry();
        }
        return jar;
    }
}
