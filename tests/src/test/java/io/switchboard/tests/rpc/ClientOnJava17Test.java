package io.switchboard.tests.rpc;

import io.switchboard.tests.TestJdks;
import io.switchboard.tests.http.Instance;
import io.switchboard.testsupport.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client library in an application JVM on Java 17 against a real instance: a session, calls, callbacks into
 * the Java 17 JVM from several of its threads at once, a 1 MiB answer ({@link Java17Client}, run by the Java 17
 * launcher on this build's class path, whose client, protocol and RPC classes are compiled for 17).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientOnJava17Test
{
    @TempDir
    Path dir;

    @Test
    void shouldCallAndBeCalledBackFromAJava17Client() throws Exception
    {
        final Path java17 = TestJdks.requireJava17();
        try (Instance instance = new Instance("--workers", "1"))
        {
            final Path log = dir.resolve("client.log");
            final Process client = JavaProcess.start(java17, Java17Client.class, log, List.of(),
                Integer.toString(instance.rpcPort()));
            try
            {
                final int status = client.waitFor();
                final String output = Files.readString(log);
                assertEquals(0, status, output);
                final List<String> lines = output.lines().filter(line -> line.matches("[a-z_]+=.*|OK")).toList();
                assertEquals("java=17", lines.get(0), output);
                assertTrue(instance.readyWorkerPids().contains(Long.parseLong(lines.get(1).substring(11))), output);
                assertEquals(List.of("relayed=10200 events=200", "slept=true", "blob=1048576 wrong=0", "OK"),
                    lines.subList(2, lines.size()), output);
            }
            finally
            {
                JavaProcess.kill(client);
            }
        }
    }
}
