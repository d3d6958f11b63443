package io.switchboard.tests.rpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the RPC tests wait for, each wait with its deadline: a figure of the instance settling, a line
 * printed by a client JVM.
 */
final class Await
{
    private static final long DEADLINE_S = 20;

    private Await()
    {
    }

    /**
     * Asserts that {@code actual} reaches {@code expected} within the deadline.
     */
    static void equals(final int expected, final IntSupplier actual, final String what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
        int last = actual.getAsInt();
        while (last != expected && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(20);
            last = actual.getAsInt();
        }
        assertEquals(expected, last, what);
    }

    /**
     * Asserts that {@code actual} reaches at least {@code expected} within the deadline.
     */
    static void atLeast(final int expected, final IntSupplier actual, final String what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
        int last = actual.getAsInt();
        while (last < expected && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(20);
            last = actual.getAsInt();
        }
        assertTrue(last >= expected, what + ": " + last + ", expected at least " + expected);
    }

    /**
     * Asserts that {@code condition} holds within the deadline.
     */
    static void isTrue(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail(what + ": not within " + DEADLINE_S + " s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * @return the first line starting with {@code prefix} that the process wrote to its log.
     */
    static String line(final Process process, final Path log, final String prefix) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_S);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final String text = Files.readString(log);
            final var line = text.lines().filter(l -> l.startsWith(prefix)).findFirst();
            if (line.isPresent())
            {
                return line.get();
            }
            if (!process.isAlive())
            {
                fail("the client exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(50);
        }
        fail("the client did not print " + prefix + " in " + DEADLINE_S + " s:\n" + Files.readString(log));
        return null;
    }
}
