package io.switchboard.worker;

import io.switchboard.rpc.thread.HandlerThreads;
import io.switchboard.worker.http.HostingOptions;
import io.switchboard.worker.runtime.WorkerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Entry point of a worker JVM, started by the CM:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp worker-and-applications io.switchboard.worker.Worker \
 *       --segment /switchboard-1234-0123456789abcdef --slot 0 [--apps demo,other] \
 *       [--webapp /shop=shop.war]... [--session-store DIR] [--handler-threads N]
 * </pre>
 * On Java 17 the worker needs no {@code --enable-native-access} (a Java 22 flag that Java 17 refuses): it reaches
 * the shim through JNA. {@code --handler-threads N} (default {@value HandlerThreads#DEFAULT_PLATFORM_THREADS})
 * bounds the platform threads that run blocking handlers where virtual threads are missing (before Java 21).
 * With {@code --slot stdin} the worker starts ahead of need: it loads its applications, then waits for
 * its slot number on standard input (a spare the CM keeps warm, so that a replacement serves at once),
 * and exits quietly if the input closes first.
 * Exits 0 when told to stop, {@value WorkerRuntime#EXIT_CM_GONE} when its CM died, 2 on bad arguments,
 * {@value WorkerRuntime#EXIT_CANNOT_JOIN} when it could not load its applications or join, and
 * {@value WorkerRuntime#EXIT_APPLICATION_FAILED} when an application's start hook threw.
 */
public final class Worker
{
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    private Worker()
    {
    }

    public static void main(final String[] args)
    {
        String segment = null;
        int slot = -1;
        final Set<String> applications = new LinkedHashSet<>();
        final List<String> webApplications = new ArrayList<>();
        Path sessionStore = null;
        int handlerThreads = HandlerThreads.DEFAULT_PLATFORM_THREADS;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--segment" -> segment = args[++i];
                    case "--slot" ->
                    {
                        final String value = args[++i];
                        slot = "stdin".equals(value) ? WorkerRuntime.SLOT_FROM_STDIN : Integer.parseInt(value);
                    }
                    case "--apps" ->
                    {
                        for (final String name : args[++i].split(","))
                        {
                            if (!name.isBlank())
                            {
                                applications.add(name.strip());
                            }
                        }
                    }
                    case "--webapp" -> webApplications.add(args[++i]);
                    case "--session-store" -> sessionStore = Path.of(args[++i]);
                    case "--handler-threads" -> handlerThreads = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (segment == null || (slot < 0 && slot != WorkerRuntime.SLOT_FROM_STDIN))
            {
                throw new IllegalArgumentException("--segment and --slot are required");
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{}; usage: Worker --segment NAME --slot N|stdin [--apps NAME,...] " +
                "[--webapp PREFIX=PATH]... [--session-store DIR] [--handler-threads N]", ex.getMessage());
            System.exit(2);
            return;
        }

        ignoreInterrupt();
        System.exit(new WorkerRuntime(
            segment, slot, applications, new HostingOptions(webApplications, sessionStore, handlerThreads)).run());
    }

    /**
     * A Ctrl-C in the terminal of {@code ./switchboard run} sends SIGINT to the whole
     * process group, workers included. The CM then drains (in-flight requests finish) and
     * stops its workers with SIGTERM; a worker that stopped at the SIGINT would fail the
     * very requests being drained. So a worker leaves on SIGTERM, or when its CM is gone.
     */
    @SuppressWarnings("removal")
    private static void ignoreInterrupt()
    {
        try
        {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal ->
            {
            });
        }
        catch (final IllegalArgumentException ex)
        {
            // no SIGINT on this platform, or the JVM runs with -Xrs: nothing to ignore
        }
    }
}
