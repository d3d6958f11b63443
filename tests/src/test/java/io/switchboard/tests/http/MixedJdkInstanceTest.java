package io.switchboard.tests.http;

import io.switchboard.cm.supervisor.WorkerStatus;
import io.switchboard.tests.TestJdks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One instance, one worker on Java 17 and one on the build's JDK ({@code --worker-java A,B}): both serve, each
 * says its JDK in the status, and each keeps it through {@code kill -9} and a rolling restart. This is how a team
 * tries a new JDK on part of an instance.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MixedJdkInstanceTest
{
    private static final String THIS_FEATURE = Integer.toString(Runtime.version().feature());

    @Test
    void shouldServeFromAJava17AndANewerWorkerAndKeepEachOnItsJdk() throws Exception
    {
        final Path java17 = TestJdks.requireJava17();
        try (Instance instance = new Instance("--workers", "2",
            "--worker-java", java17 + "," + System.getProperty("java.home")))
        {
            final Map<String, Long> started = readyByJdk(instance);
            assertEquals(Set.of("17", THIS_FEATURE), started.keySet(), "the READY workers' JDKs: " + started);
            assertEquals(new TreeSet<>(started.values()), servingPids(instance), "both workers answer");

            // kill -9 the Java 17 worker: its slot gets a Java 17 worker again, cold (the spare runs the first JDK,
            // which is 17 here, so it may be the spare promoted; either way a 17)
            final long killed = started.get("17");
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            Map<String, Long> now = readyByJdk(instance);
            while (now.size() < 2 || now.get("17") == null || now.get("17") == killed)
            {
                Thread.sleep(20);
                now = readyByJdk(instance);
            }
            assertEquals(started.get(THIS_FEATURE), now.get(THIS_FEATURE), "the other worker was left alone");

            // a rolling restart replaces both, each by a worker of its own JDK
            assertTrue(instance.cm().supervisor().restartAll());
            final Map<String, Long> beforeRestart = now;
            while (instance.cm().supervisor().isRollingRestart() || readyByJdk(instance).size() < 2)
            {
                Thread.sleep(20);
            }
            final Map<String, Long> after = readyByJdk(instance);
            assertEquals(Set.of("17", THIS_FEATURE), after.keySet(), "JDKs after the rolling restart: " + after);
            assertNotEquals(beforeRestart.get("17"), after.get("17"));
            assertNotEquals(beforeRestart.get(THIS_FEATURE), after.get(THIS_FEATURE));
            assertEquals(new TreeSet<>(after.values()), servingPids(instance), "both new workers answer");
        }
    }

    /**
     * @return the pid of each READY worker by its JDK's feature release, as the status reports them.
     */
    private static Map<String, Long> readyByJdk(final Instance instance)
    {
        final Map<String, Long> byJdk = new TreeMap<>();
        for (final WorkerStatus slot : instance.cm().supervisor().status())
        {
            if ("READY".equals(slot.state()) && slot.jdk() != null)
            {
                final String feature = slot.jdk().split("[.+-]")[0];
                final Long other = byJdk.put(feature, slot.pid());
                assertEquals(null, other, "two READY workers on Java " + feature);
            }
        }
        return byJdk;
    }

    /**
     * @return the pids answering {@code /whoami}, asked until two answered (least-loaded routing alternates
     * between idle workers) or 200 requests were made.
     */
    private static Set<Long> servingPids(final Instance instance) throws Exception
    {
        final Set<Long> served = new TreeSet<>();
        for (int i = 0; i < 200 && served.size() < 2; i++)
        {
            try (RawHttp client = new RawHttp(instance.port()))
            {
                client.send(RawHttp.get("/whoami"));
                final RawHttp.Response response = client.read();
                assertEquals(200, response.status(), response.text());
                served.add(Long.parseLong(response.text()));
            }
        }
        return served;
    }
}
