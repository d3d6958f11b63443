package io.switchboard.tests.worker;

import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An application that kills its worker while it loads (before READY), with
 * status {@value #EXIT_STATUS}, whenever the file named by the system property
 * {@value #CRASH_FILE_PROPERTY} exists: a test turns a crash loop on and off
 * by creating and deleting that file. Without the property it is harmless.
 */
public final class CrashAtStartApplication implements HttpApplication
{
    public static final String CRASH_FILE_PROPERTY = "switchboard.test.crashAtStartFile";
    public static final int EXIT_STATUS = 7;

    public CrashAtStartApplication()
    {
        final String file = System.getProperty(CRASH_FILE_PROPERTY);
        if (file != null && Files.exists(Path.of(file)))
        {
            System.err.println("worker: " + file + " exists: crashing at start, as the test asked");
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }

    public String name()
    {
        return "crash-at-start";
    }

    public void handle(final HttpRequest request, final HttpResponse response) throws Exception
    {
        response.status(404);
    }
}
