package io.switchboard.cm.config;

import io.switchboard.cm.admin.AdminSettings;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.routing.Route;
import io.switchboard.cm.net.ConnectionLimit;
import io.switchboard.cm.net.RpcSettings;
import io.switchboard.cm.net.SessionLimit;
import io.switchboard.cm.net.Timeouts;
import io.switchboard.cm.net.TrustedProxies;
import io.switchboard.cm.observe.ObservabilitySettings;
import io.switchboard.cm.supervisor.RecyclePolicy;
import io.switchboard.cm.supervisor.RestartPolicy;
import io.switchboard.cm.supervisor.SupervisorSettings;
import io.switchboard.cm.supervisor.WorkerJava;
import io.switchboard.cm.supervisor.WorkerLaunch;
import io.switchboard.ipc.ring.RingDescriptor;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.protocol.rpc.RpcFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything an instance is told: from flags, or from a properties file named
 * with {@code --config} whose keys are the flags' long names without dashes
 * (e.g. {@code port=8080}, {@code route=/=demo,/api=api}). Flags win over the file.
 * {@link CmCommandLine} reads both (and says which line is wrong); {@link #validate} checks every value before
 * anything starts. An option added here is a key of the file, shown by {@code --print-config}, at once; its
 * range check goes into {@link #validate}.
 */
@Command(
    name = "switchboard run",
    mixinStandardHelpOptions = true,
    versionProvider = SwitchboardVersion.class,
    description = "Starts a Switchboard instance: the connection manager and its worker JVMs.",
    footer = {"", "Every option can also be a line of the --config file: its name without the dashes, e.g. " +
        "head-timeout-ms=5000. An option on the command line wins over the file's. --print-config shows what is in " +
        "effect and where each value came from."},
    sortOptions = false)
public final class CmConfig
{
    @Option(names = "--config", paramLabel = "FILE",
        description = "a properties file of these options (port=8080, one per line); the command line wins over it")
    Path configFile;

    @Option(names = "--print-config",
        description = "print the effective configuration, each value's origin and the shared memory it needs, then exit")
    boolean printConfig;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "8080", description = "port to listen on, 0 for any (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "worker JVMs (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1", description = "CM I/O threads (default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--route", paramLabel = "PREFIX=APP", split = ",", defaultValue = "/=demo",
        description = "path prefix to application, longest prefix wins (default: ${DEFAULT-VALUE})")
    List<String> routes;

    @Option(names = "--webapp", paramLabel = "PREFIX=PATH",
        description = "a Servlet web application (a WAR or a directory) the workers serve under the context path " +
            "PREFIX, routed like --route PREFIX=PREFIX; repeatable (needs switchboard-jetty on the worker class path)")
    List<String> webApplications = new ArrayList<>();

    @Option(names = "--session-store", paramLabel = "DIR",
        description = "a directory the workers share for the web applications' HTTP sessions (Jetty's file store), so " +
            "a session outlives its worker's restart or kill -9 (default: sessions in the worker's memory)")
    Path sessionStore;

    @Option(names = "--worker-classpath", paramLabel = "PATH",
        description = "class path of the worker JVMs: the worker runtime (./switchboard run passes its own), " +
            "and applications")
    String workerClasspath;

    @Option(names = "--app-classpath", paramLabel = "PATH",
        description = "your applications' jars and directories, ':'-separated, 'dir/*' for every jar of dir; added " +
            "to the worker class path after the worker runtime")
    String appClasspath;

    @Option(names = "--worker-jvm-option", paramLabel = "OPTION", split = " ",
        defaultValue = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=4",
        description = "options of the worker JVMs (default: ${DEFAULT-VALUE})")
    List<String> workerJvmOptions;

    @Option(names = "--worker-java", paramLabel = "JAVA", split = ",",
        description = "the java the worker JVMs run on, a launcher or a JDK directory, Java 17 or newer (default: the " +
            "CM's own); several, comma-separated, are taken in turn by the workers (a new JDK tried on some)")
    List<Path> workerJava = new ArrayList<>();

    @Option(names = "--worker-handler-threads", paramLabel = "N", defaultValue = "200",
        description = "on a worker older than Java 21 (no virtual threads), the platform threads that run blocking " +
            "handlers; requests beyond wait for one (default: ${DEFAULT-VALUE})")
    int workerHandlerThreads;

    @Option(names = "--worker-carriers", paramLabel = "N", defaultValue = "0",
        description = "on a worker of Java 24 or newer, the platform threads that carry its virtual threads " +
            "(jdk.virtualThreadScheduler.parallelism); 0: the cores the CM's I/O threads leave, shared among the " +
            "workers, at least 1 (default: ${DEFAULT-VALUE})")
    int workerCarriers;

    @Option(names = "--channels", paramLabel = "N", defaultValue = "1024", description = "channels open at once (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--ring-capacity", paramLabel = "BYTES", defaultValue = "131072",
        description = "bytes of each ring, a power of two (default: ${DEFAULT-VALUE})")
    int ringCapacity;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "10000",
        description = "requests waiting for a channel per I/O thread before 503 (default: ${DEFAULT-VALUE})")
    int maxQueued;

    @Option(names = "--max-request-line", paramLabel = "BYTES", defaultValue = "8192", description = "414 above (default: ${DEFAULT-VALUE})")
    int maxRequestLine;

    @Option(names = "--max-head", paramLabel = "BYTES", defaultValue = "32768", description = "431 above (default: ${DEFAULT-VALUE})")
    int maxHead;

    @Option(names = "--max-headers", paramLabel = "N", defaultValue = "100", description = "431 above (default: ${DEFAULT-VALUE})")
    int maxHeaders;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "16777216", description = "413 above (default: ${DEFAULT-VALUE})")
    long maxBody;

    @Option(names = "--head-timeout-ms", defaultValue = "10000", description = "to read a request head, 408 (default: ${DEFAULT-VALUE})")
    long headTimeoutMs;

    @Option(names = "--min-body-rate", defaultValue = "512",
        description = "bytes/s a request body must average after --head-timeout-ms, else 408; 0: off (default: ${DEFAULT-VALUE})")
    long minBodyRate;

    @Option(names = "--idle-timeout-ms", defaultValue = "60000", description = "idle keep-alive connection (default: ${DEFAULT-VALUE})")
    long idleTimeoutMs;

    @Option(names = "--queue-timeout-ms", defaultValue = "5000", description = "waiting for a channel or worker, 503 (default: ${DEFAULT-VALUE})")
    long queueTimeoutMs;

    @Option(names = "--response-timeout-ms", defaultValue = "60000", description = "for the worker's whole response, 504 (default: ${DEFAULT-VALUE})")
    long responseTimeoutMs;

    @Option(names = "--heartbeat-timeout-ms", defaultValue = "5000",
        description = "a worker silent this long is hung: killed and replaced (default: ${DEFAULT-VALUE})")
    long heartbeatTimeoutMs;

    @Option(names = "--drain-ms", defaultValue = "10000",
        description = "grace for in-flight requests at shutdown, and for a worker being replaced (default: ${DEFAULT-VALUE})")
    long drainMs;

    @Option(names = "--shutdown-ready-grace-ms", defaultValue = "0",
        description = "at shutdown, how long /ready answers 503 while new requests are still served, before the " +
            "listeners close: a load balancer's health checks need this long to stop sending (default: ${DEFAULT-VALUE})")
    long shutdownReadyGraceMs;

    @Option(names = "--ready-timeout-ms", defaultValue = "60000",
        description = "a worker not READY this long after its start is killed (default: ${DEFAULT-VALUE})")
    long readyTimeoutMs;

    @Option(names = "--worker-stop-grace-ms", defaultValue = "5000",
        description = "a worker told to stop (SIGTERM) is killed after this (default: ${DEFAULT-VALUE})")
    long workerStopGraceMs;

    @Option(names = "--restart-delay-min-ms", defaultValue = "100",
        description = "delay before restarting a dead worker; doubles while workers die young (default: ${DEFAULT-VALUE})")
    long restartDelayMinMs;

    @Option(names = "--restart-delay-max-ms", defaultValue = "10000",
        description = "the cap of that doubling (default: ${DEFAULT-VALUE})")
    long restartDelayMaxMs;

    @Option(names = "--crash-loop-deaths", paramLabel = "N", defaultValue = "5",
        description = "workers of a slot dying before READY within the window make a crash loop (default: ${DEFAULT-VALUE})")
    int crashLoopDeaths;

    @Option(names = "--crash-loop-window-ms", defaultValue = "60000", description = "that window (default: ${DEFAULT-VALUE})")
    long crashLoopWindowMs;

    @Option(names = "--crash-loop-park-ms", defaultValue = "60000",
        description = "a crash-looping slot waits this long before its next start; restart-workers starts it at once " +
            "(default: ${DEFAULT-VALUE})")
    long crashLoopParkMs;

    @Option(names = "--recycle-after-requests", paramLabel = "N", defaultValue = "0",
        description = "replace a worker once it was given N requests, 0 for never (default: ${DEFAULT-VALUE})")
    long recycleAfterRequests;

    @Option(names = "--recycle-above-rss-mb", paramLabel = "MIB", defaultValue = "0",
        description = "replace a worker whose resident memory exceeds this, 0 for never (default: ${DEFAULT-VALUE})")
    long recycleAboveRssMb;

    @Option(names = "--admin-port", defaultValue = "8082",
        description = "admin listener (status, rolling restart), 0 for any port, -1 for none (default: ${DEFAULT-VALUE})")
    int adminPort;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "0",
        description = "client connections open at once; more are refused (HTTP: 503 and close). 0: what the file " +
            "descriptor limit and heap allow (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--admin-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "address of the admin listener; it has no authentication (default: ${DEFAULT-VALUE})")
    String adminBind;

    @Option(names = "--admin-allowed-hosts", paramLabel = "HOST", split = ",",
        description = "Host names (no port) the admin listener answers besides 127.0.0.1, localhost, [::1] and " +
            "--admin-bind; others get 421, against DNS rebinding")
    List<String> adminAllowedHosts = new ArrayList<>();

    @Option(names = "--admin-timeout-ms", defaultValue = "5000",
        description = "to read a whole admin request, 408 (default: ${DEFAULT-VALUE})")
    long adminTimeoutMs;

    @Option(names = "--rpc-idle-timeout-ms", defaultValue = "0",
        description = "end an open session with no frame either way and no call awaited for this long (GOODBYE 10); " +
            "the client library PINGs every 30 s by default to keep its session; 0: never (default: ${DEFAULT-VALUE})")
    long rpcIdleTimeoutMs;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "0",
        description = "distributed sessions open at once, each holding a channel; more are refused at once. " +
            "0: half the channels, so HTTP always has the other half (default: ${DEFAULT-VALUE})")
    int maxSessions;

    @Option(names = "--max-sessions-per-address", paramLabel = "N", defaultValue = "0",
        description = "sessions from one client address; 0: a quarter of the channels (default: ${DEFAULT-VALUE})")
    int maxSessionsPerAddress;

    @Option(names = "--trusted-proxies", paramLabel = "ADDRESS|CIDR", split = ",",
        description = "peers (addresses or CIDR blocks, IPv4 or IPv6) whose X-Forwarded-For, Forwarded and X-Real-IP " +
            "are kept and appended to; from any other peer they are replaced by the peer's address (default: none)")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--backlog", defaultValue = "1024", description = "listen backlog (default: ${DEFAULT-VALUE})")
    int backlog;

    @Option(names = "--rpc-port", defaultValue = "8081",
        description = "port for distributed sessions only, 0 for any, -1 for none; sessions are also served on --port " +
            "(default: ${DEFAULT-VALUE})")
    int rpcPort;

    @Option(names = "--rpc-app", paramLabel = "NAME", split = ",", defaultValue = "demo",
        description = "applications that serve distributed sessions (default: ${DEFAULT-VALUE})")
    List<String> rpcApplications;

    @Option(names = "--rpc-max-frame", paramLabel = "BYTES", defaultValue = "16777216",
        description = "largest RPC frame either side may send (default: ${DEFAULT-VALUE})")
    int rpcMaxFrame;

    @Option(names = "--rpc-max-calls", paramLabel = "N", defaultValue = "1024",
        description = "RPC calls in flight per direction and session (default: ${DEFAULT-VALUE})")
    int rpcMaxCalls;

    @Option(names = "--access-log", paramLabel = "FILE|-|off", defaultValue = "-",
        description = "access log: a file (appended to; POST /admin/logs/reopen after a rotation), - for standard output, or off (default: ${DEFAULT-VALUE})")
    String accessLog;

    @Option(names = "--access-log-format", paramLabel = "combined|json", defaultValue = "combined",
        description = "access log lines: combined, or json with request id, worker, application and timings (default: ${DEFAULT-VALUE})")
    String accessLogFormat;

    @Option(names = "--metrics", paramLabel = "on|off", defaultValue = "on",
        description = "request metrics, GET /metrics and the status traffic section; off with --access-log off: no request events at all (default: ${DEFAULT-VALUE})")
    String metrics;

    /** {@link #workerJava} found and asked their versions: by {@link #validate}, else by the first launch. */
    private List<WorkerJava> probedWorkerJavas;

    public String bind()
    {
        return bind;
    }

    public int port()
    {
        return port;
    }

    public int workers()
    {
        return workers;
    }

    public int ioThreads()
    {
        return ioThreads;
    }

    public int channels()
    {
        return channels;
    }

    public int ringCapacity()
    {
        return ringCapacity;
    }

    public int maxQueued()
    {
        return maxQueued;
    }

    public int backlog()
    {
        return backlog;
    }

    public int rpcPort()
    {
        return rpcPort;
    }

    public RpcSettings rpcSettings()
    {
        return new RpcSettings(new java.util.LinkedHashSet<>(rpcApplications), rpcMaxFrame, rpcMaxCalls,
            TimeUnit.MILLISECONDS.toNanos(rpcIdleTimeoutMs));
    }

    /**
     * @return every application a worker hosts: those routed to over HTTP and those serving sessions.
     */
    public List<String> applications()
    {
        final List<String> all = new ArrayList<>();
        for (final Route route : routes())
        {
            if (!all.contains(route.application()))
            {
                all.add(route.application());
            }
        }
        for (final String name : rpcApplications)
        {
            if (!all.contains(name))
            {
                all.add(name);
            }
        }
        return all;
    }

    public long heartbeatTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMs);
    }

    public long drainMs()
    {
        return drainMs;
    }

    /**
     * @return how long a stopping instance keeps serving new requests after {@code /ready} has turned 503.
     * @throws IllegalArgumentException when negative.
     */
    public long shutdownReadyGraceMs()
    {
        if (shutdownReadyGraceMs < 0)
        {
            throw new IllegalArgumentException("--shutdown-ready-grace-ms must be 0 or more: " + shutdownReadyGraceMs);
        }
        return shutdownReadyGraceMs;
    }

    /**
     * @return the admin listener's port: 0 for any, -1 for none.
     */
    public int adminPort()
    {
        return adminPort;
    }

    /**
     * @return where the admin listener listens and whom it answers; meaningful when {@link #adminPort()} is not -1.
     * @throws IllegalArgumentException naming the options out of range.
     */
    public AdminSettings adminSettings()
    {
        return new AdminSettings(adminBind, Math.max(0, adminPort), adminAllowedHosts, adminTimeoutMs,
            AdminSettings.DEFAULT_MAX_CONNECTIONS);
    }

    /**
     * @throws IllegalArgumentException naming the options out of range.
     */
    public SupervisorSettings supervisorSettings()
    {
        return new SupervisorSettings(
            workers,
            heartbeatTimeoutNs(),
            TimeUnit.MILLISECONDS.toNanos(readyTimeoutMs),
            TimeUnit.MILLISECONDS.toNanos(drainMs),
            TimeUnit.MILLISECONDS.toNanos(workerStopGraceMs),
            new RestartPolicy(restartDelayMinMs, restartDelayMaxMs, RestartPolicy.DEFAULT.youngMs(),
                crashLoopDeaths, crashLoopWindowMs, crashLoopParkMs),
            new RecyclePolicy(recycleAfterRequests, recycleAboveRssMb * 1024 * 1024));
    }

    public List<Route> routes()
    {
        final List<Route> parsed = new ArrayList<>();
        for (final String route : routes)
        {
            parsed.add(Route.parse(route));
        }
        for (final String webApplication : webApplications)
        {
            // a web application's name is its context path
            final String prefix = Route.parse(webApplication).prefix();
            parsed.add(new Route(prefix, prefix));
        }
        return parsed;
    }

    public HttpLimits httpLimits()
    {
        final HttpLimits defaults = HttpLimits.DEFAULT;
        return new HttpLimits(maxRequestLine, maxHead, maxHeaders, defaults.maxLeadingEmptyLines(), maxBody,
            defaults.maxChunkLineLength(), defaults.maxTrailerLength());
    }

    /**
     * @return the bound on open client connections, {@link ConnectionLimit#defaultMax()} unless set.
     */
    public int maxConnections()
    {
        return maxConnections > 0 ? maxConnections : ConnectionLimit.defaultMax();
    }

    /**
     * @return the bounds on distributed sessions, in all and per client address.
     */
    public SessionLimit sessionLimit()
    {
        final int max = maxSessions > 0 ? maxSessions : Math.max(1, channels / 2);
        return new SessionLimit(max, maxSessionsPerAddress > 0 ? maxSessionsPerAddress : Math.max(1, channels / 4));
    }

    /**
     * @throws IllegalArgumentException naming the option and the entry that is not an address or CIDR block.
     */
    public TrustedProxies trustedProxies()
    {
        return TrustedProxies.parse(trustedProxies);
    }

    public Timeouts timeouts()
    {
        return new Timeouts(
            TimeUnit.MILLISECONDS.toNanos(headTimeoutMs),
            TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs),
            TimeUnit.MILLISECONDS.toNanos(queueTimeoutMs),
            TimeUnit.MILLISECONDS.toNanos(responseTimeoutMs),
            minBodyRate);
    }

    public WorkerLaunch workerLaunch(final List<String> applications)
    {
        final List<String> hosting = new ArrayList<>();
        for (final String webApplication : webApplications)
        {
            final Route route = Route.parse(webApplication);
            // the worker's working directory is the CM's, but say which file is meant in its command line
            hosting.add("--webapp");
            hosting.add(route.prefix() + "=" + Path.of(route.application()).toAbsolutePath());
        }
        if (sessionStore != null)
        {
            hosting.add("--session-store");
            hosting.add(sessionStore.toAbsolutePath().toString());
        }
        hosting.add("--handler-threads");
        hosting.add(Integer.toString(workerHandlerThreads));
        return new WorkerLaunch(workerJavas(), workerClassPath(), workerJvmOptions, applications, hosting,
            workerCarriers > 0 ? workerCarriers :
                WorkerLaunch.carrierShare(Runtime.getRuntime().availableProcessors(), ioThreads, workers));
    }

    /**
     * @return the JDKs of {@code --worker-java}, each asked its version once (by {@link #validate} or here), or the
     * CM's own.
     * @throws IllegalArgumentException naming the one that is missing, is not a java or is older than 17.
     */
    public List<WorkerJava> workerJavas()
    {
        if (probedWorkerJavas == null)
        {
            final ConfigProblems problems = new ConfigProblems();
            workerJavas(problems);
            if (!problems.isEmpty())
            {
                throw new IllegalArgumentException(problems.all().get(0).message());
            }
        }
        return probedWorkerJavas;
    }

    /**
     * @return the worker JVMs' class path: {@code --worker-classpath}, then {@code --app-classpath}, every entry made
     * absolute (a {@code dir/*} stays a wildcard, which the {@code java} launcher expands).
     */
    public String workerClassPath()
    {
        final List<String> entries = new ArrayList<>();
        for (final String list : new String[] {workerClasspath, appClasspath})
        {
            if (list == null)
            {
                continue;
            }
            for (final String entry : list.split(java.io.File.pathSeparator))
            {
                if (entry.isEmpty())
                {
                    continue;
                }
                entries.add(entry.endsWith("*") ?
                    Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath() + java.io.File.separator + "*" :
                    Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /**
     * @return whether {@code --print-config} was given.
     */
    public boolean printConfig()
    {
        return printConfig;
    }

    /**
     * @return the segment's sizes: a worker slot more than {@code --workers}, for replacements.
     */
    public SegmentLayout segmentLayout()
    {
        return new SegmentLayout(workers + 1, channels, ringCapacity, ioThreads);
    }

    /**
     * Every value checked, before anything starts: a problem names the option as it is written, so that the loader
     * can say where its value came from.
     *
     * @return what is wrong; empty if nothing.
     */
    public ConfigProblems validate()
    {
        final ConfigProblems problems = new ConfigProblems();
        address(problems, "--bind", bind);
        address(problems, "--admin-bind", adminBind);
        problems.port("--port", port, false);
        problems.port("--rpc-port", rpcPort, true);
        problems.port("--admin-port", adminPort, true);
        if (port > 0 && port == rpcPort)
        {
            problems.add("--rpc-port", "--rpc-port " + rpcPort + ": --port is " + port + " already (sessions are " +
                "served on --port too; -1 for no port of their own)");
        }
        if (adminPort > 0 && (adminPort == port || adminPort == rpcPort))
        {
            problems.add("--admin-port", "--admin-port " + adminPort + ": another listener has that port");
        }
        problems.atLeast("--backlog", backlog, 0);
        problems.between("--workers", workers, 1, SegmentLayout.MAX_WORKER_SLOTS - 1);
        problems.between("--io-threads", ioThreads, 1, SegmentLayout.MAX_CM_DOORBELLS);
        problems.atLeast("--max-queued", maxQueued, 0);
        routes(problems);
        webApplications(problems);
        sessionStore(problems);
        for (final String name : rpcApplications)
        {
            applicationName(problems, "--rpc-app", name);
        }
        if (workerClasspath == null || workerClasspath.isBlank())
        {
            problems.add("--worker-classpath", "--worker-classpath is missing: the worker runtime's jar " +
                "(./switchboard run passes it; add your applications with --app-classpath)");
        }
        else
        {
            classPath(problems, "--worker-classpath", workerClasspath);
        }
        if (appClasspath != null)
        {
            classPath(problems, "--app-classpath", appClasspath);
        }

        workerJavas(problems);
        problems.atLeast("--worker-handler-threads", workerHandlerThreads, 1);
        // the JDK's limit for a ForkJoinPool's parallelism
        problems.between("--worker-carriers", workerCarriers, 0, 0x7fff);

        problems.between("--channels", channels, 1, SegmentLayout.MAX_CHANNEL_SLOTS);
        if (ringCapacity < RingDescriptor.MIN_CAPACITY || ringCapacity > RingDescriptor.MAX_CAPACITY ||
            Integer.bitCount(ringCapacity) != 1)
        {
            problems.add("--ring-capacity", "--ring-capacity " + ringCapacity + ": must be a power of two from " +
                RingDescriptor.MIN_CAPACITY + " to " + RingDescriptor.MAX_CAPACITY);
        }
        else if (channels >= 1 && channels <= SegmentLayout.MAX_CHANNEL_SLOTS && workers >= 1 &&
            workers < SegmentLayout.MAX_WORKER_SLOTS && ioThreads >= 1 && ioThreads <= SegmentLayout.MAX_CM_DOORBELLS)
        {
            // the rings first: past 64 GiB the layout itself refuses to be made
            final long rings = (long)channels * 2 * RingDescriptor.length(ringCapacity);
            final long bytes = rings > Integer.MAX_VALUE ? rings : new SegmentSize(segmentLayout()).bytes();
            if (bytes > Integer.MAX_VALUE)
            {
                problems.add("--channels", "--channels " + channels + " and --ring-capacity " + ringCapacity +
                    " make a segment of " + (rings > Integer.MAX_VALUE ? "at least " + SegmentSize.mib(rings) :
                    new SegmentSize(segmentLayout()).describe()) +
                    "; the CM maps at most 2 GiB: lower --channels or --ring-capacity");
            }
        }

        problems.atLeast("--max-request-line", maxRequestLine, HttpLimits.MIN_REQUEST_LINE_LENGTH);
        problems.between("--max-head", maxHead, Math.max(HttpLimits.MIN_REQUEST_LINE_LENGTH, maxRequestLine),
            HttpLimits.MAX_HEAD_LENGTH_CEILING);
        problems.between("--max-headers", maxHeaders, 1, Math.max(1, maxHead / 4));
        problems.atLeast("--max-body", maxBody, 0);

        problems.atLeast("--head-timeout-ms", headTimeoutMs, 1);
        problems.atLeast("--min-body-rate", minBodyRate, 0);
        problems.atLeast("--idle-timeout-ms", idleTimeoutMs, 1);
        problems.atLeast("--queue-timeout-ms", queueTimeoutMs, 1);
        problems.atLeast("--response-timeout-ms", responseTimeoutMs, 1);

        problems.atLeast("--heartbeat-timeout-ms", heartbeatTimeoutMs,
            TimeUnit.NANOSECONDS.toMillis(SupervisorSettings.MIN_HEARTBEAT_TIMEOUT_NS));
        problems.atLeast("--ready-timeout-ms", readyTimeoutMs, 1);
        problems.atLeast("--drain-ms", drainMs, 0);
        problems.atLeast("--worker-stop-grace-ms", workerStopGraceMs, 0);
        problems.atLeast("--restart-delay-min-ms", restartDelayMinMs, 1);
        problems.atLeast("--restart-delay-max-ms", restartDelayMaxMs, restartDelayMinMs);
        problems.atLeast("--crash-loop-deaths", crashLoopDeaths, 1);
        problems.atLeast("--crash-loop-window-ms", crashLoopWindowMs, 1);
        if (crashLoopParkMs < restartDelayMaxMs)
        {
            problems.add("--crash-loop-park-ms", "--crash-loop-park-ms " + crashLoopParkMs +
                ": must be at least --restart-delay-max-ms (" + restartDelayMaxMs + ")");
        }
        problems.atLeast("--recycle-after-requests", recycleAfterRequests, 0);
        problems.between("--recycle-above-rss-mb", recycleAboveRssMb, 0, Long.MAX_VALUE >> 20);

        problems.between("--admin-timeout-ms", adminTimeoutMs, 1, Integer.MAX_VALUE);
        for (final String host : adminAllowedHosts)
        {
            if (host.isBlank() || !host.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.' ||
                c == ':' || c == '[' || c == ']'))
            {
                problems.add("--admin-allowed-hosts", "--admin-allowed-hosts '" + host +
                    "': a host name or address literal, without port");
            }
        }
        problems.atLeast("--max-connections", maxConnections, 0);
        problems.atLeast("--max-sessions", maxSessions, 0);
        problems.atLeast("--max-sessions-per-address", maxSessionsPerAddress, 0);
        problems.atLeast("--rpc-idle-timeout-ms", rpcIdleTimeoutMs, 0);
        problems.atLeast("--rpc-max-frame", rpcMaxFrame, RpcFrame.MIN_MAX_FRAME_LENGTH);
        problems.atLeast("--rpc-max-calls", rpcMaxCalls, 1);
        problems.atLeast("--shutdown-ready-grace-ms", shutdownReadyGraceMs, 0);
        try
        {
            TrustedProxies.parse(trustedProxies);
        }
        catch (final IllegalArgumentException ex)
        {
            // its message names the option and the entry already
            problems.add("--trusted-proxies", ex.getMessage());
        }
        return problems;
    }

    /**
     * Asks each {@code --worker-java} its version; keeps them all if every one is fit, else says why not.
     */
    private void workerJavas(final ConfigProblems problems)
    {
        final List<WorkerJava> javas = new ArrayList<>();
        for (final Path location : workerJava)
        {
            try
            {
                javas.add(WorkerJava.probe(location));
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add("--worker-java", "--worker-java " + ex.getMessage());
            }
        }
        if (javas.size() == workerJava.size())
        {
            probedWorkerJavas = javas.isEmpty() ? List.of(WorkerJava.ofThisJvm()) : List.copyOf(javas);
        }
    }

    private static void address(final ConfigProblems problems, final String option, final String address)
    {
        try
        {
            java.net.InetAddress.getByName(address);
        }
        catch (final java.net.UnknownHostException | SecurityException ex)
        {
            problems.add(option, option + " " + address + ": not an address of this host's (" + ex.getMessage() + ")");
        }
    }

    private void routes(final ConfigProblems problems)
    {
        final java.util.Map<String, String> byPrefix = new java.util.HashMap<>();
        for (final String text : routes)
        {
            final Route route;
            try
            {
                route = Route.parse(text);
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add("--route", "--route " + text + ": " + ex.getMessage());
                continue;
            }
            if (!route.prefix().chars().allMatch(c -> c > ' ' && c < 0x7f && c != '?' && c != '#'))
            {
                problems.add("--route", "--route " + text + ": the prefix is a path: visible ASCII, no ? or #");
            }
            applicationName(problems, "--route", route.application());
            final String previous = byPrefix.putIfAbsent(route.prefix(), route.application());
            if (previous != null)
            {
                problems.add("--route", "--route " + text + ": " + route.prefix() + " is routed to " + previous +
                    " already");
            }
        }
    }

    /**
     * Each {@code --webapp PREFIX=PATH}: a context path like a route's prefix, a WAR (a file named .war) or a
     * directory that exists, and a prefix nothing else is routed to (a web application is routed like
     * {@code --route PREFIX=PREFIX}).
     */
    private void webApplications(final ConfigProblems problems)
    {
        final java.util.Map<String, String> byPrefix = new java.util.HashMap<>();
        for (final String text : routes)
        {
            try
            {
                byPrefix.putIfAbsent(Route.parse(text).prefix(), "--route " + text);
            }
            catch (final IllegalArgumentException ex)
            {
                // routes(problems) has said so
            }
        }
        for (final String text : webApplications)
        {
            final Route webApplication;
            try
            {
                webApplication = Route.parse(text);
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add("--webapp", "--webapp " + text + ": a web application is PREFIX=PATH, e.g. " +
                    "/shop=shop.war (" + ex.getMessage() + ")");
                continue;
            }
            final String prefix = webApplication.prefix();
            if (!prefix.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '?' && c != '#' && c != ','))
            {
                problems.add("--webapp", "--webapp " + text + ": the prefix is a path: visible ASCII, no ? # or ,");
            }
            final Path path = Path.of(webApplication.application());
            if (!java.nio.file.Files.exists(path))
            {
                problems.add("--webapp", "--webapp " + text + ": no WAR or directory " + path.toAbsolutePath());
            }
            else if (!java.nio.file.Files.isDirectory(path) &&
                !path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".war"))
            {
                // Jetty deploys a directory or a file named .war; anything else would fail in every worker
                problems.add("--webapp", "--webapp " + text + ": " + path.toAbsolutePath() +
                    " is neither a WAR (a file named .war) nor a directory");
            }
            final String previous = byPrefix.putIfAbsent(prefix, "--webapp " + text);
            if (previous != null)
            {
                problems.add("--webapp", "--webapp " + text + ": " + prefix + " is routed by " + previous +
                    " already");
            }
        }
    }

    /**
     * {@code --session-store DIR}: a directory, or one the workers can make (its nearest existing parent a
     * writable directory).
     */
    private void sessionStore(final ConfigProblems problems)
    {
        if (sessionStore == null)
        {
            return;
        }
        final Path store = sessionStore.toAbsolutePath();
        if (java.nio.file.Files.exists(store))
        {
            if (!java.nio.file.Files.isDirectory(store))
            {
                problems.add("--session-store", "--session-store " + sessionStore + ": " + store +
                    " is not a directory");
            }
            else if (!java.nio.file.Files.isWritable(store))
            {
                problems.add("--session-store", "--session-store " + sessionStore + ": " + store +
                    " is not writable");
            }
            return;
        }
        Path parent = store.getParent();
        while (parent != null && !java.nio.file.Files.exists(parent))
        {
            parent = parent.getParent();
        }
        if (parent == null || !java.nio.file.Files.isDirectory(parent) || !java.nio.file.Files.isWritable(parent))
        {
            problems.add("--session-store", "--session-store " + sessionStore + ": " + store +
                " does not exist and cannot be made" + (parent == null ? "" : " (" + parent +
                " is not a writable directory)"));
        }
    }

    /**
     * A name travels to the workers in a comma-separated {@code --apps} and is matched against
     * {@code HttpApplication.name()}: letters, digits, {@code . _ -}.
     */
    private static void applicationName(final ConfigProblems problems, final String option, final String name)
    {
        if (name.isEmpty() || !name.chars().allMatch(c -> (c < 0x80 && Character.isLetterOrDigit(c)) || c == '.' ||
            c == '_' || c == '-'))
        {
            problems.add(option, option + ": '" + name + "' is not an application name (letters, digits, . _ -)");
        }
    }

    /**
     * Every entry of the applications' class path must exist (a jar, a directory of classes, or {@code dir/*} for
     * its jars): a mistyped path would otherwise surface as an application not found, in each worker's log. The
     * worker class path is the launcher's business and is held to less: one entry must exist (build tools' class
     * paths name directories that may not). Empty entries are dropped (the JVM would read them as the current
     * directory).
     */
    private static void classPath(final ConfigProblems problems, final String option, final String list)
    {
        final boolean everyEntry = option.equals("--app-classpath");
        boolean anyExists = false;
        for (final String entry : list.split(java.io.File.pathSeparator))
        {
            if (entry.isEmpty())
            {
                continue;
            }
            final boolean wildcard = entry.equals("*") || entry.endsWith(java.io.File.separator + "*");
            final String file = wildcard ? (entry.length() == 1 ? "." : entry.substring(0, entry.length() - 2)) : entry;
            final boolean exists = wildcard ? java.nio.file.Files.isDirectory(Path.of(file)) :
                java.nio.file.Files.exists(Path.of(file));
            anyExists |= exists;
            if (!exists && everyEntry)
            {
                problems.add(option, option + ": " + (wildcard ? "no directory " : "no file or directory ") + file +
                    " (relative to " + Path.of("").toAbsolutePath() + ")");
            }
        }
        if (!everyEntry && !anyExists)
        {
            problems.add(option, option + " " + list + ": none of it exists (relative to " +
                Path.of("").toAbsolutePath() + ")");
        }
    }

    /**
     * @return the access log and metrics settings.
     * @throws IllegalArgumentException naming the option with a bad value.
     */
    public ObservabilitySettings observabilitySettings()
    {
        return ObservabilitySettings.of(accessLog, accessLogFormat, metrics,
            Integer.getInteger("switchboard.observe.ringSize", ObservabilitySettings.DEFAULT_RING_SIZE));
    }
}
