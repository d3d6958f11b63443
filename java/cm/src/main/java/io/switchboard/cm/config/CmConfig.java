package io.switchboard.cm.config;

import io.switchboard.cm.admin.AdminSettings;
import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.routing.Route;
import io.switchboard.cm.net.ConnectionLimit;
import io.switchboard.cm.net.RpcSettings;
import io.switchboard.cm.net.SessionLimit;
import io.switchboard.cm.net.Timeouts;
import io.switchboard.cm.observe.ObservabilitySettings;
import io.switchboard.cm.supervisor.RecyclePolicy;
import io.switchboard.cm.supervisor.RestartPolicy;
import io.switchboard.cm.supervisor.SupervisorSettings;
import io.switchboard.cm.supervisor.WorkerLaunch;
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
 */
@Command(
    name = "switchboard run",
    mixinStandardHelpOptions = true,
    description = "Starts a Switchboard instance: the connection manager and its worker JVMs.",
    sortOptions = false)
public final class CmConfig
{
    @Option(names = "--config", paramLabel = "FILE", description = "a properties file of these options")
    Path configFile;

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

    @Option(names = "--worker-classpath", paramLabel = "PATH", required = true,
        description = "class path of the worker JVMs: the worker runtime and the applications")
    String workerClasspath;

    @Option(names = "--worker-jvm-option", paramLabel = "OPTION", split = " ",
        defaultValue = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=4",
        description = "options of the worker JVMs (default: ${DEFAULT-VALUE})")
    List<String> workerJvmOptions;

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

    @Option(names = "--access-log", paramLabel = "FILE|-|off", defaultValue = "off",
        description = "access log: a file (appended to; POST /admin/logs/reopen after a rotation), - for standard output, or off (default: ${DEFAULT-VALUE})")
    String accessLog;

    @Option(names = "--access-log-format", paramLabel = "combined|json", defaultValue = "combined",
        description = "access log lines: combined, or json with request id, worker, application and timings (default: ${DEFAULT-VALUE})")
    String accessLogFormat;

    @Option(names = "--metrics", paramLabel = "on|off", defaultValue = "on",
        description = "request metrics, GET /metrics and the status traffic section; off with --access-log off: no request events at all (default: ${DEFAULT-VALUE})")
    String metrics;

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
        return new WorkerLaunch(
            Path.of(System.getProperty("java.home"), "bin", "java"), workerClasspath, workerJvmOptions, applications);
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
