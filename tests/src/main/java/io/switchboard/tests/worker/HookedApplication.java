package io.switchboard.tests.worker;

import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An application whose start and stop hooks, and the end of each request, append a line ({@code start PID},
 * {@code end PID}, {@code stop PID}) to the file named by the system property {@value #LOG_PROPERTY}; its start hook
 * throws while the file named by {@value #FAIL_FILE_PROPERTY} exists, and waits while the file named by
 * {@value #HOLD_FILE_PROPERTY} exists (a latch another process opens by deleting it). {@code /hooked?ms=N} answers
 * after N ms.
 * Without the properties it does nothing of the sort.
 */
public final class HookedApplication implements HttpApplication
{
    public static final String LOG_PROPERTY = "switchboard.test.hookLog";
    public static final String FAIL_FILE_PROPERTY = "switchboard.test.hookFailFile";
    public static final String HOLD_FILE_PROPERTY = "switchboard.test.hookHoldFile";
    public static final String FAILURE = "the start hook refuses, as the test asked";

    public String name()
    {
        return "hooked";
    }

    @Override
    public void start() throws IOException, InterruptedException
    {
        final String hold = System.getProperty(HOLD_FILE_PROPERTY);
        while (hold != null && Files.exists(Path.of(hold)))
        {
            Thread.sleep(10);
        }
        final String fail = System.getProperty(FAIL_FILE_PROPERTY);
        if (fail != null && Files.exists(Path.of(fail)))
        {
            throw new IllegalStateException(FAILURE);
        }
        log("start");
    }

    @Override
    public void stop() throws IOException
    {
        log("stop");
        // for the CM's log, which relays the worker's output: a CM that closed its end at SIGTERM would lose it
        System.out.println("hooked: stopping " + ProcessHandle.current().pid());
    }

    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        final String query = request.query();
        if (query != null && query.startsWith("ms="))
        {
            Thread.sleep(Long.parseLong(query.substring(3)));
        }
        log("end");
        response.header("Content-Type", "text/plain");
        response.send(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII));
    }

    private static void log(final String event) throws IOException
    {
        final String file = System.getProperty(LOG_PROPERTY);
        if (file != null)
        {
            // one write of one short line with O_APPEND: the workers of a test share the file
            Files.writeString(Path.of(file), event + " " + ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
    }
}
