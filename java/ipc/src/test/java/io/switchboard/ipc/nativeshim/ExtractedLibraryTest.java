package io.switchboard.ipc.nativeshim;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtractedLibraryTest
{
    private static final String NAME = "libsbshim.so";

    @TempDir
    Path tmpRoot;

    @TempDir
    Path sources;

    @Test
    void shouldExtractOnceAndReuseTheFileEveryTimeAfter() throws Exception
    {
        final byte[] library = bytes(1, 20_000);
        final URL url = source("a.so", library);

        final Path first = ExtractedLibrary.extract(url, NAME, tmpRoot);
        final Object firstFile = Files.readAttributes(first, "unix:ino").get("ino");
        final Path second = ExtractedLibrary.extract(url, NAME, tmpRoot);

        assertEquals(first, second);
        assertEquals(firstFile, Files.readAttributes(second, "unix:ino").get("ino"), "the same file, not a copy");
        assertArrayEquals(library, Files.readAllBytes(second));
        assertEquals(List.of(first), everyFile(), "nothing else left behind");
        assertTrue(first.getParent().getFileName().toString().startsWith(ExtractedLibrary.DIRECTORY_PREFIX));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.getParent())));
    }

    @Test
    void shouldKeepTwoBuildsApart() throws Exception
    {
        final Path one = ExtractedLibrary.extract(source("a.so", bytes(1, 1_000)), NAME, tmpRoot);
        final Path other = ExtractedLibrary.extract(source("b.so", bytes(2, 1_000)), NAME, tmpRoot);

        assertNotEquals(one.getParent(), other.getParent());
        assertArrayEquals(bytes(1, 1_000), Files.readAllBytes(one));
        assertArrayEquals(bytes(2, 1_000), Files.readAllBytes(other));
    }

    @Test
    void shouldReplaceAFileWhoseContentDoesNotMatchItsHash() throws Exception
    {
        final byte[] library = bytes(3, 5_000);
        final URL url = source("a.so", library);
        final Path file = ExtractedLibrary.extract(url, NAME, tmpRoot);
        Files.write(file, new byte[] {1, 2, 3});

        final Path again = ExtractedLibrary.extract(url, NAME, tmpRoot);

        assertEquals(file, again);
        assertArrayEquals(library, Files.readAllBytes(again));
        assertEquals(List.of(file), everyFile());
    }

    @Test
    @Timeout(60)
    void shouldGiveEveryRacingExtractorTheWholeLibraryInOneFile() throws Exception
    {
        final byte[] library = bytes(4, 200_000);
        final URL url = source("a.so", library);
        final int racers = 8;
        final CyclicBarrier start = new CyclicBarrier(racers);
        final ExecutorService threads = Executors.newFixedThreadPool(racers);
        try
        {
            final List<Future<Path>> paths = new ArrayList<>();
            for (int i = 0; i < racers; i++)
            {
                paths.add(threads.submit(() ->
                {
                    start.await();
                    final Path path = ExtractedLibrary.extract(url, NAME, tmpRoot);
                    assertArrayEquals(library, Files.readAllBytes(path));
                    return path;
                }));
            }
            final Path first = paths.get(0).get();
            for (final Future<Path> path : paths)
            {
                assertEquals(first, path.get());
            }
            assertEquals(List.of(first), everyFile(), "one library, no temporary file left");
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldNotTrustADirectoryOthersMayWriteIn() throws Exception
    {
        final byte[] library = bytes(5, 1_000);
        final URL url = source("a.so", library);
        final Path shared = ExtractedLibrary.extract(url, NAME, tmpRoot);
        Files.setPosixFilePermissions(shared.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

        // LogCapture lives in test-support, which depends on this module: its few lines by hand
        final Logger logger = (Logger)LoggerFactory.getLogger(ExtractedLibrary.class);
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try
        {
            final Path extracted = ExtractedLibrary.extract(url, NAME, tmpRoot);

            assertNotEquals(shared.getParent(), extracted.getParent());
            assertArrayEquals(library, Files.readAllBytes(extracted));
            assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("is not this user's alone")),
                log.list.toString());
        }
        finally
        {
            logger.detachAppender(log);
        }
    }

    private URL source(final String name, final byte[] content) throws IOException
    {
        return Files.write(sources.resolve(name), content).toUri().toURL();
    }

    private List<Path> everyFile() throws IOException
    {
        try (Stream<Path> walk = Files.walk(tmpRoot))
        {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static byte[] bytes(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
