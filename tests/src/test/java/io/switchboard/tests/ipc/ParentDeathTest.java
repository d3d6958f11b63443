package io.switchboard.tests.ipc;

import io.switchboard.testsupport.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker that armed the parent-death signal against its CM dies when the CM
 * is killed, whatever the worker is doing: here it sleeps, and never looks.
 */
class ParentDeathTest
{
    @TempDir
    Path directory;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKillAWorkerThatNeverLooksWhenItsCmIsKilled() throws Exception
    {
        final Path result = Files.createFile(directory.resolve("child.result"));
        final Process parent = JavaProcess.start(ParentDeathPeers.Parent.class, directory.resolve("parent.log"),
            directory.resolve("child.log").toString(), result.toString());
        Optional<ProcessHandle> child = Optional.empty();
        try
        {
            while (Files.size(result) == 0)
            {
                assertTrue(parent.isAlive(), () -> "the CM stand-in exited with " + parent.exitValue() + "\n" + logs());
                Thread.sleep(5);
            }
            final String[] outcome = Files.readString(result).split(" ");
            child = ProcessHandle.of(Long.parseLong(outcome[1]));
            assertEquals("ARMED", outcome[0], this::logs);
            assertTrue(child.isPresent(), "the worker stand-in is gone before its CM");

            parent.destroyForcibly();

            // the worker stand-in sleeps for minutes: only the signal ends it before the test's timeout
            child.get().onExit().get();
            assertTrue(!child.get().isAlive());
        }
        finally
        {
            child.ifPresent(ProcessHandle::destroyForcibly);
            JavaProcess.kill(parent);
        }
    }

    private String logs()
    {
        final StringBuilder logs = new StringBuilder();
        for (final String name : new String[] {"parent.log", "child.log"})
        {
            try
            {
                logs.append(name).append(":\n").append(Files.readString(directory.resolve(name))).append('\n');
            }
            catch (final java.io.IOException ex)
            {
                logs.append(name).append(": ").append(ex).append('\n');
            }
        }
        return logs.toString();
    }
}
