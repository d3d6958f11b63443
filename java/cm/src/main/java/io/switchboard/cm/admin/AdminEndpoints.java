package io.switchboard.cm.admin;

import io.switchboard.cm.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the admin listener does, once a request has passed the
 * {@link AdminRequestGuard}:
 * <ul>
 *     <li>{@code POST /admin/workers/restart}: starts a rolling restart of every worker; 202, or 409 while one
 *     runs.</li>
 *     <li>{@code GET /admin/status} (or HEAD): the instance and its worker slots, as JSON.</li>
 *     <li>{@code GET /metrics}, {@code POST /admin/logs/reopen}: see {@link ObservabilityEndpoints}.</li>
 * </ul>
 * The query is ignored. Thread-safe as long as the two callbacks are: exchanges run concurrently.
 */
final class AdminEndpoints
{
    static final String RESTART_PATH = "/admin/workers/restart";
    static final String STATUS_PATH = "/admin/status";

    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoints.class);

    private final BooleanSupplier restartWorkers;
    private final Supplier<String> statusJson;
    private final ObservabilityEndpoints observe;

    /**
     * @param restartWorkers starts a rolling restart; false if one runs already.
     * @param statusJson     the status document.
     */
    AdminEndpoints(final BooleanSupplier restartWorkers, final Supplier<String> statusJson)
    {
        this(restartWorkers, statusJson, ObservabilityEndpoints.NONE);
    }

    /**
     * @param observe        {@code /metrics} and the access log's reopening.
     */
    AdminEndpoints(final BooleanSupplier restartWorkers, final Supplier<String> statusJson, final ObservabilityEndpoints observe)
    {
        this.restartWorkers = restartWorkers;
        this.statusJson = statusJson;
        this.observe = observe;
    }

    /**
     * @param peer who asked, for the log of the restarts.
     */
    AdminResponse serve(final HttpMethod method, final String path, final SocketAddress peer)
    {
        return switch (path)
        {
            case RESTART_PATH -> method != HttpMethod.POST ?
                AdminResponse.methodNotAllowed("POST", "POST starts a rolling restart\n") : restart(peer);
            case STATUS_PATH -> method != HttpMethod.GET && method != HttpMethod.HEAD ?
                AdminResponse.methodNotAllowed("GET, HEAD", "GET the status\n") :
                AdminResponse.json(200, statusJson.get());
            case ObservabilityEndpoints.METRICS_PATH -> observe.metrics(method);
            case ObservabilityEndpoints.REOPEN_LOGS_PATH -> observe.reopenLogs(method);
            default -> AdminResponse.text(404, "POST " + RESTART_PATH + " or GET " + STATUS_PATH + "\n");
        };
    }

    private AdminResponse restart(final SocketAddress peer)
    {
        if (!restartWorkers.getAsBoolean())
        {
            return AdminResponse.text(409, "a rolling restart is running already (or the instance is stopping)\n");
        }
        LOG.info("rolling restart of the workers started, asked by the admin client at {}", peer);

        return AdminResponse.text(202, "rolling restart started; GET " + STATUS_PATH + " follows it\n");
    }
}
