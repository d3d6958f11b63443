package io.switchboard.tests.jetty;

import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker killed with its web application unpacked leaves no files behind once its replacement has started, and
 * a worker stopped leaves none at all: the directory Jetty unpacks into is the worker's own, under the workers'
 * {@code java.io.tmpdir}.
 */
@Timeout(180)
class WebAppTempDirectoryTest
{
    @Test
    void shouldRemoveAKilledWorkersUnpackedWebApplication(@TempDir final Path tmp) throws Exception
    {
        final Path root = tmp.resolve("switchboard-jetty-" + System.getProperty("user.name"));
        try (Instance instance = new Instance("--workers", "1", "--webapp", "/shop=" + ExampleWebAppTest.SHOP_WAR,
            "--worker-jvm-option", "-Xms64m -Xmx512m -XX:+UseSerialGC -Djava.io.tmpdir=" + tmp))
        {
            final Http http = new Http(instance.port());
            assertEquals(200, http.get("/shop/counter").statusCode());
            final long victim = only(instance.readyWorkerPids());
            final Path unpacked = only(children(root));
            assertTrue(unpacked.getFileName().toString().startsWith(victim + "-"), unpacked.toString());
            assertTrue(containsFiles(unpacked), "the WAR unpacked in " + unpacked);

            assertTrue(ProcessHandle.of(victim).orElseThrow().destroyForcibly());
            Set<Long> ready = instance.readyWorkerPids();
            while (ready.isEmpty() || ready.contains(victim))
            {
                Thread.sleep(20);
                ready = instance.readyWorkerPids();
            }
            assertEquals(200, http.get("/shop/counter").statusCode());

            assertFalse(Files.exists(unpacked), "what the killed worker unpacked is removed");
            final Path replacement = only(children(root));
            assertTrue(replacement.getFileName().toString().startsWith(only(ready) + "-"), replacement.toString());
        }
        assertEquals(List.of(), children(root), "a worker stopped leaves nothing");
    }

    private static <T> T only(final Iterable<T> items)
    {
        final var iterator = items.iterator();
        assertTrue(iterator.hasNext(), "none");
        final T item = iterator.next();
        assertFalse(iterator.hasNext(), "more than one: " + items);
        return item;
    }

    private static List<Path> children(final Path directory)
    {
        try (Stream<Path> entries = Files.list(directory))
        {
            return entries.toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static boolean containsFiles(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.walk(directory))
        {
            return files.anyMatch(Files::isRegularFile);
        }
    }
}
