package io.switchboard.cm.supervisor;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A worker process the test controls: it exits when the test says so, on SIGKILL, and on SIGTERM unless told to
 * ignore it; what the supervisor writes to its standard input (a spare's slot) is kept. It runs nothing: the
 * test plays the worker's part in the segment (READY, heartbeats).
 */
final class FakeWorker extends Process
{
    static final int SIGTERM_STATUS = 143;
    static final int SIGKILL_STATUS = 137;

    private final long pid;
    private final List<String> command;
    private final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private volatile int exitStatus = -1;
    private volatile boolean ignoresSigterm;
    private volatile int sigterms;
    private volatile boolean killed;

    FakeWorker(final long pid, final List<String> command)
    {
        this.pid = pid;
        this.command = List.copyOf(command);
    }

    List<String> command()
    {
        return command;
    }

    boolean isSpare()
    {
        return command.contains("stdin");
    }

    /**
     * @return what the supervisor wrote to its standard input.
     */
    String stdin()
    {
        synchronized (stdin)
        {
            return stdin.toString(StandardCharsets.US_ASCII);
        }
    }

    void ignoreSigterm()
    {
        ignoresSigterm = true;
    }

    int sigterms()
    {
        return sigterms;
    }

    boolean wasKilled()
    {
        return killed;
    }

    /**
     * The worker exits by itself (crash, System.exit) with {@code status}.
     */
    void exit(final int status)
    {
        synchronized (exit)
        {
            if (exit.isDone())
            {
                return;
            }
            exitStatus = status;
        }
        exit.complete(this);
    }

    @Override
    public long pid()
    {
        return pid;
    }

    @Override
    public OutputStream getOutputStream()
    {
        return new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                synchronized (stdin)
                {
                    stdin.write(b);
                }
            }
        };
    }

    @Override
    public InputStream getInputStream()
    {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream()
    {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor()
    {
        exit.join();
        return exitStatus;
    }

    @Override
    public int exitValue()
    {
        if (!exit.isDone())
        {
            throw new IllegalThreadStateException("fake worker " + pid + " has not exited");
        }
        return exitStatus;
    }

    @Override
    public boolean isAlive()
    {
        return !exit.isDone();
    }

    @Override
    public void destroy()
    {
        sigterms++;
        if (!ignoresSigterm)
        {
            exit(SIGTERM_STATUS);
        }
    }

    @Override
    public Process destroyForcibly()
    {
        killed = isAlive();
        exit(SIGKILL_STATUS);
        return this;
    }

    @Override
    public CompletableFuture<Process> onExit()
    {
        return exit;
    }

    @Override
    public String toString()
    {
        return "FakeWorker[pid=" + pid + (isSpare() ? " spare" : "") + (isAlive() ? "" : " exited " + exitStatus) + "]";
    }
}
